#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

#include "fetchpool/core/expectations.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/save/body_file.hpp"
#include "fetchpool/save/output_dir.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {

// Saves what one Fetcher downloads under -o: names the file, claims the name, streams the body
// into a temporary file (or the partial, with --continue) and links it into place only when the
// URL turned out ok. Only 2xx bodies are saved; an error page never becomes a file.
// Thread-compatible: one per Fetcher, used by its worker thread only. `dir` must outlive it.
class BodySaver {
 public:
  explicit BodySaver(const OutputDir& dir) : dir_(dir) {}

  enum class Plan { kFetch, kDone };
  // Before a transfer of `url` on `easy`: picks and claims the name (unless the server's name is
  // awaited), and with --continue opens the partial and asks for the rest of it. kDone means do
  // not fetch: `saved` says why (skipped because the file exists, or the error).
  Plan Prepare(CURL* easy, const std::string& url, const Expectations* expect, Saved& saved);

  // For every body chunk, from the write callback. False when the transfer must stop: the body
  // cannot be saved, or --on-exists skip/fail met the server's name already taken. May throw
  // std::bad_alloc only.
  bool Write(CURL* easy, std::string_view data, BodyChecker& checker);
  // Records that Write could not finish (an exception), so Finish reports it.
  void Interrupted() { error_ = "out of memory"; }

  // After a transfer that asked for a range: when the server refused it (416, the partial does not
  // fit the remote file), empties the partial, stops asking and returns true: fetch again.
  bool RestartWithoutRange(CURL* easy);
  // A 206 continuing the partial was accepted (checks then treat the status as 200).
  bool resumed() const { return resumed_; }

  // After the transfer, with its `verdict`: commits the file when the URL is ok, otherwise
  // removes it (a partial with a valid prefix stays for a later --continue). Says in `saved`
  // where the file is, that it was skipped, or why it could not be saved (the verdict then
  // fails the URL).
  void Finish(CURL* easy, CURLcode code, const Verdict& verdict, Saved& saved);

 private:
  enum class Sink { kUndecided, kNone, kFile };
  // Forgets the last transfer, before a new one.
  void Reset(CURL* easy, const Expectations* expect);
  // Closes the file (removing a temporary one) and gives the name back.
  void EndTransfer();
  // Notes in `saved` that the file `name` was there, so nothing was downloaded.
  void Skip(Saved& saved, const std::string& name) const;
  bool Begin(CURL* easy, BodyChecker* checker);
  bool ClaimName(const std::string& wanted);
  bool FeedPartial(BodyChecker& checker);
  void Commit(Saved& saved);
  std::string Display(const std::string& name) const;
  void Fail(Saved& saved, std::string message) const;

  const OutputDir& dir_;
  const Expectations* expect_ = nullptr;
  // State of the transfer in progress.
  UniqueFd subdir_;      // where the file goes (DIR itself, or a --mirror-paths directory)
  std::string rel_dir_;  // subdir_ relative to DIR, "" for DIR itself
  std::string url_name_;
  std::string wanted_;  // the name before any ".N"
  NameClaim claim_;
  BodyFile file_;
  std::string range_;  // CURLOPT_RANGE while resuming ("N-"), "" otherwise
  Sink sink_ = Sink::kUndecided;
  bool resumed_ = false;
  bool skipped_ = false;  // --on-exists skip stopped the transfer
  std::string existing_;  // the name that made skip/fail stop
  std::string error_;     // why the body could not be saved
};

}  // namespace fetchpool
