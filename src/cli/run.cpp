#include "fetchpool/cli/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "fetchpool/cli/report_sinks.hpp"
#include "fetchpool/engine/pipeline.hpp"
#include "fetchpool/engine/signals.hpp"
#include "fetchpool/hosts/host_policies.hpp"
#include "fetchpool/http/curl_fetcher.hpp"
#include "fetchpool/http/curl_handles.hpp"
#include "fetchpool/http/document_fetcher.hpp"
#include "fetchpool/http/trust_store.hpp"
#include "fetchpool/input/baseline.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/output/run_records.hpp"
#include "fetchpool/save/output_dir.hpp"
#include "fetchpool/state/state_lookup.hpp"
#include "fetchpool/state/state_sink.hpp"
#include "fetchpool/state/state_store.hpp"
#include "fetchpool/util/fd_limit.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/verdict/verdict.hpp"
#include "fetchpool/version.hpp"

namespace fetchpool {
namespace {

// What must exist before anything is fetched; any failure here is the user's to fix.
struct Prepared {
  std::vector<std::unique_ptr<ResultSink>> reports;
  std::unique_ptr<UrlKeySet> baseline;  // --baseline
  std::unique_ptr<OutputDir> output_dir;
  std::unique_ptr<StateStore> state;  // --state: the lock and the writer connection
  std::unique_ptr<StateLookup> state_lookup;
};

// --state: every check (lock, schema, --resume's list) happens here, before anything is fetched.
Status PrepareState(const Options& options, Prepared& out) {
  if (options.state.path.empty()) return Status::Ok();
  Status s = StateStore::Open(options.state, options.input.files, &out.state);
  if (s.ok()) s = StateLookup::Open(options.state, out.state->run(), &out.state_lookup);
  if (s.ok()) out.reports.push_back(MakeStateSink(*out.state));
  return s;
}

// Whether libcurl may send a request through a proxy: --proxy, or the variables it reads.
bool UsesProxy(const FetchOptions& fetch) {
  if (!fetch.proxy.empty()) return true;
  for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): before any thread
    if (value != nullptr && value[0] != '\0') return true;
  }
  return false;
}

// Whether the run covered its whole list, so --resume has nothing left to continue.
bool Completed(const PipelineOutcome& o, int signal) {
  return signal == 0 && !o.out_of_time && !o.stopped_early && !o.no_workers && o.read_error.ok() &&
         o.write_error.ok() && o.summary.aborted == 0;
}

// The inputs and sitemaps named as files, and the baseline: readable before anything is fetched.
Status PrepareInputs(const InputOptions& input, Prepared& out) {
  std::vector<std::string> files = input.files;
  for (const std::string& sitemap : input.sitemaps) {
    const bool http =
        StartsWithIgnoreCase(sitemap, "http://") || StartsWithIgnoreCase(sitemap, "https://");
    if (http) continue;
    if (StartsWithIgnoreCase(sitemap, "file://")) {
      files.push_back(sitemap.substr(7));
    } else if (sitemap.find("://") != std::string::npos) {
      return Status::Error(
          fmt::format("--sitemap: '{}' is neither a file nor an http(s) URL", sitemap));
    } else {
      files.push_back(sitemap);
    }
  }
  if (Status s = CheckInputsReadable(files); !s.ok()) return s;
  if (input.baseline.empty()) return Status::Ok();
  out.baseline = std::make_unique<UrlKeySet>();
  return LoadBaseline(input, *out.baseline);
}

// --each-address connects to every address itself; through a proxy, the proxy would pick one.
Status CheckEachAddress(const FetchOptions& fetch) {
  if (!fetch.each_address || !UsesProxy(fetch)) return Status::Ok();
  return Status::Error(
      "--each-address connects to each address itself, so it cannot go through a proxy "
      "(--proxy, or the http_proxy, https_proxy and all_proxy variables)");
}

Status Prepare(const Options& options, Prepared& out) {
  if (Status s = CheckEachAddress(options.fetch); !s.ok()) return s;
  if (Status s = PrepareInputs(options.input, out); !s.ok()) return s;
  if (Status s = AddReportSinks(options, out.reports); !s.ok()) return s;
  // An unusable DIR is the user's mistake: say so before anything is fetched.
  if (!options.save.dir.empty()) {
    if (Status s = OutputDir::Open(options.save, &out.output_dir); !s.ok()) return s;
  }
  return PrepareState(options, out);
}

void Complain(const Status& status, const SecretSet& secrets) {
  // A URL given where a file was expected ("cannot open 'https://u:pw@h/'") shows no password.
  if (!status.ok()) {
    fmt::print(stderr, "fetchpool: {}\n", secrets.Scrubbed(RedactUrlsIn(status.message())));
  }
}

// "; 3 transfers in progress were aborted", or nothing when none was.
std::string AbortedNote(const Summary& summary) {
  if (summary.aborted == 0) return {};
  return fmt::format("; {} transfer{} in progress {} aborted", summary.aborted,
                     summary.aborted == 1 ? "" : "s", summary.aborted == 1 ? "was" : "were");
}

}  // namespace

int Conclude(const Options& options, const PipelineOutcome& o, int signal) {
  if (!o.fault.empty()) {  // whatever else happened followed from it
    fmt::print(stderr, "fetchpool: {}\n", RedactUrlsIn(o.fault));
    return 2;
  }
  const int write_errno = o.write_error.errno_code();
  // A closed pipe (| head) is no news; nor is a stuck one given up on during a stop.
  if (write_errno != EPIPE && !(signal != 0 && write_errno == ETIMEDOUT))
    Complain(o.write_error, options.secrets);
  Complain(o.read_error, options.secrets);
  Complain(o.report_error, options.secrets);
  Complain(o.pool_error, options.secrets);
  if (signal != 0) {
    if (o.summary.aborted > 0) {
      fmt::print(stderr, "fetchpool: interrupted{}\n", AbortedNote(o.summary));
    }
    return 128 + signal;
  }
  if (o.out_of_time) {
    fmt::print(stderr, "fetchpool: stopped by --max-time after {:g}s{}\n", options.max_time_s,
               AbortedNote(o.summary));
  }
  if (o.stopped_early) {
    const int n = options.dispatch.max_failures;
    fmt::print(stderr,
               "fetchpool: stopped early after {} failure{} (--max-failures); URLs not yet "
               "started were skipped\n",
               n, n == 1 ? "" : "s");
  }
  const std::string breach = BudgetBreach(o.summary);
  if (!breach.empty()) fmt::print(stderr, "fetchpool: {}\n", breach);
  if (o.no_workers || !o.read_error.ok() || !o.report_error.ok()) return 2;
  if (o.out_of_time || o.stopped_early || !o.write_error.ok() || o.summary.failed > 0 ||
      o.summary.over_budget) {
    return 1;
  }
  return 0;
}

namespace {

// JSON Lines' first record: what `fetchpool report` needs to merge this run with the others.
RunHeader MakeRunHeader(const Options& options) {
  RunHeader header{.id = NewRunId(),
                   .version = kVersion,
                   .files = options.input.files,
                   .workers = options.pool.workers,
                   .started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count(),
                   .state = !options.state.path.empty()};
  if (header.files.empty()) header.files.emplace_back(kStdinName);
  if (options.input.shard) {
    header.shard = options.input.shard->index();
    header.shards = options.input.shard->count();
  }
  return header;
}

}  // namespace

int Run(const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  const RunHeader header = MakeRunHeader(options);
  Prepared prepared;
  if (Status s = Prepare(options, prepared); !s.ok()) {
    Complain(s, options.secrets);
    return 2;
  }
  CurlGlobal curl;  // before any thread
  if (!curl.status().ok()) {
    Complain(curl.status(), options.secrets);
    return 2;
  }
  std::stop_source stop;
  SignalWatcher signals(stop);  // first: every thread started below inherits its signal mask
  ShareHandle share;            // DNS and TLS sessions, across the workers
  const HostPolicies policies(options);
  // One store per CA file in use, each read once, by the first TLS connection that needs it.
  std::vector<std::unique_ptr<TrustStore>> stores;
  if (LibcurlTlsIsOpenSsl()) {
    const auto getenv = [](const char* name) { return std::getenv(name); };  // NOLINT
    for (const std::string& file : policies.ca_files()) {
      stores.push_back(std::make_unique<TrustStore>(stores.empty() ? ChooseTrustSource(file, getenv)
                                                                   : TrustSource{.file = file}));
    }
  }
  std::vector<TrustStore*> store_list;
  store_list.reserve(stores.size());
  for (const auto& store : stores) store_list.push_back(store.get());

  const RunConfig config(options, RaiseOpenFileLimit());
  // Through a proxy the proxy resolves; otherwise each worker looks names up itself.
  SystemResolver system_resolver(std::min(options.pool.workers, 64));  // lookups at once
  CachingResolver resolver(system_resolver, std::chrono::seconds(60), 4096);
  const CurlFetcher::Shared shared{
      .share = share.get(),
      .policies = &policies,
      .trust = store_list,
      .resolver = UsesProxy(options.fetch) ? nullptr : &resolver,
      .output_dir = prepared.output_dir.get(),
      .max_connections = static_cast<long>(config.held_connections),
      .notes = &Judge::NotesWanted(),
  };
  // --sitemap URLs: fetched on the reader thread with the same options and shared state.
  // A config's sections judge their hosts' sitemaps too (--accept, --warn).
  Judge::PerHost per_host;
  if (policies.size() > 1) {
    per_host = [&policies](std::string_view host) -> const VerdictOptions& {
      return policies.For(host).verdict;
    };
  }
  auto documents = std::make_shared<DocumentFetcher>(
      options.fetch, options.verdict, shared, options.dispatch.retry, stop.get_token(), per_host);
  PipelineIo io{
      .make_fetcher = [&config, shared](std::stop_token worker_stop) -> std::unique_ptr<Fetcher> {
        return std::make_unique<CurlFetcher>(config.options.fetch, config.collect_details, shared,
                                             std::move(worker_stop));
      },
      .out_fd = STDOUT_FILENO,
      .err_fd = STDERR_FILENO,
      .out_is_terminal = ::isatty(STDOUT_FILENO) == 1,
      .err_is_terminal = ::isatty(STDERR_FILENO) == 1,
      .reports = std::move(prepared.reports),
      .screen = prepared.state_lookup.get(),
      .policies = &policies,
      .baseline = prepared.baseline.get(),
      .fetch_sitemap = [documents](const Job& job, int fd) { return documents->Fetch(job, fd); },
      .start = start,
      .run = &header,
  };
  PipelineOutcome outcome = RunPipeline(config, std::move(io), stop);
  const int signal = signals.received();
  if (prepared.state && outcome.report_error.ok() && Completed(outcome, signal)) {
    outcome.report_error = prepared.state->MarkFinished();
  }
  return Conclude(options, outcome, signal);
}

}  // namespace fetchpool
