# Installs fetchpool the way a Debian tool is installed: the binary, its manual page, bash, zsh and
# fish completions, README and the copyright file, and builds a .deb of all that with CPack.
#
# The manual page's source is packaging/fetchpool.1.scd.in (scdoc); the completions are generated
# from the built binary's --help by packaging/completions.py, so they follow the CLI. The version
# everywhere is project(VERSION). packaging/check_docs.py (ctest: packaging.docs) checks that
# the man page and the three completion scripts cover every option --help prints.
#
# Included at the end of the top-level CMakeLists.txt, after the fetchpool target exists.

include(GNUInstallDirs)

# Sanitizer builds are for the test suite; their binaries cannot always run outside the test
# runner (TSan needs setarch on newer kernels), so they skip the generated files.
if(FETCHPOOL_SANITIZE STREQUAL "")
  set(_fetchpool_docs_default ON)
else()
  set(_fetchpool_docs_default OFF)
endif()
option(FETCHPOOL_DOCS "Build the man page and shell completions (needs scdoc and python3)"
       ${_fetchpool_docs_default})
set(FETCHPOOL_PYTHON /usr/bin/python3 CACHE FILEPATH "Python 3 that runs the generators and tests")
set(FETCHPOOL_MAINTAINER "fetchpool maintainers <maintainers@users.noreply.r-seed-3d46166c.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(_fp_src ${PROJECT_SOURCE_DIR}/packaging)
set(_fp_out ${PROJECT_BINARY_DIR}/packaging)

# --- copyright (Debian machine-readable format), from LICENSE ------------------------------------
file(READ ${PROJECT_SOURCE_DIR}/LICENSE _fp_license)
string(REGEX MATCH "Copyright \\(c\\) ([^\n]+)" _ "${_fp_license}")
set(_fp_copyright_holder "${CMAKE_MATCH_1}")
string(FIND "${_fp_license}" "Permission is hereby granted" _fp_at)
if(_fp_at LESS 0 OR _fp_copyright_holder STREQUAL "")
  message(FATAL_ERROR "LICENSE is no longer the MIT text cmake/Packaging.cmake expects")
endif()
string(SUBSTRING "${_fp_license}" ${_fp_at} -1 _fp_license_text)
string(STRIP "${_fp_license_text}" _fp_license_text)
string(REGEX REPLACE "\n\n" "\n.\n" _fp_license_text "${_fp_license_text}")
string(REGEX REPLACE "\n" "\n " _fp_license_text "${_fp_license_text}")
file(CONFIGURE OUTPUT ${_fp_out}/copyright @ONLY CONTENT
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ${PROJECT_NAME}

Files: *
Copyright: ${_fp_copyright_holder}
License: Expat
 ${_fp_license_text}
")

# --- changelog: Debian policy wants one in a native package; its version is project(VERSION) ----
# Dated by SOURCE_DATE_EPOCH when set, else by the last commit, so rebuilds give the same file.
set(_fp_epoch "$ENV{SOURCE_DATE_EPOCH}")
if(_fp_epoch STREQUAL "")
  execute_process(COMMAND git log -1 --format=%ct WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE _fp_epoch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(_fp_epoch MATCHES "^[0-9]+$")
  set(_fp_saved_epoch "$ENV{SOURCE_DATE_EPOCH}")
  set(ENV{SOURCE_DATE_EPOCH} "${_fp_epoch}")
  string(TIMESTAMP _fp_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
  set(ENV{SOURCE_DATE_EPOCH} "${_fp_saved_epoch}")
else()
  string(TIMESTAMP _fp_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
file(CONFIGURE OUTPUT ${_fp_out}/changelog CONTENT
"${PROJECT_NAME} (${PROJECT_VERSION}) unstable; urgency=medium

  * Release ${PROJECT_VERSION}. What changed is in the project's git history and README.md.

 -- ${FETCHPOOL_MAINTAINER}  ${_fp_date}
")
add_custom_command(
  OUTPUT ${_fp_out}/changelog.gz
  COMMAND gzip -9nf -k ${_fp_out}/changelog
  DEPENDS ${_fp_out}/changelog
  VERBATIM)
add_custom_target(fetchpool_changelog ALL DEPENDS ${_fp_out}/changelog.gz)

install(FILES ${PROJECT_SOURCE_DIR}/README.md ${_fp_out}/copyright ${_fp_out}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The user documentation README links to, beside it so its relative links work.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md" PATTERN "*.png")

if(FETCHPOOL_DOCS)
  find_program(SCDOC_EXECUTABLE scdoc)
  if(NOT SCDOC_EXECUTABLE)
    message(FATAL_ERROR "scdoc not found: it builds the man page. Run scripts/install-deps.sh "
                        "(or apt-get install scdoc), or configure with -DFETCHPOOL_DOCS=OFF.")
  endif()
  if(NOT EXISTS ${FETCHPOOL_PYTHON})
    message(FATAL_ERROR "${FETCHPOOL_PYTHON} not found (set FETCHPOOL_PYTHON, or -DFETCHPOOL_DOCS=OFF)")
  endif()

  # --- man page -------------------------------------------------------------------------------
  set(_fp_scdoc_env)  # scdoc dates the page by SOURCE_DATE_EPOCH: the commit's date, as above
  if(_fp_epoch MATCHES "^[0-9]+$")
    set(_fp_scdoc_env SOURCE_DATE_EPOCH=${_fp_epoch})
  endif()
  configure_file(${_fp_src}/fetchpool.1.scd.in ${_fp_out}/fetchpool.1.scd @ONLY)
  add_custom_command(
    OUTPUT ${_fp_out}/fetchpool.1 ${_fp_out}/fetchpool.1.gz
    COMMAND ${CMAKE_COMMAND} -E env ${_fp_scdoc_env}
            sh -c "\"$0\" < \"$1\" > \"$2.tmp\" && mv \"$2.tmp\" \"$2\" && gzip -9nf -k \"$2\""
            ${SCDOC_EXECUTABLE} ${_fp_out}/fetchpool.1.scd ${_fp_out}/fetchpool.1
    DEPENDS ${_fp_out}/fetchpool.1.scd
    COMMENT "Building the man page fetchpool.1"
    VERBATIM)

  # --- completions, from the built binary's --help ---------------------------------------------
  set(_fp_completions
      ${_fp_out}/completions/fetchpool ${_fp_out}/completions/_fetchpool
      ${_fp_out}/completions/fetchpool.fish)
  add_custom_command(
    OUTPUT ${_fp_completions}
    COMMAND ${FETCHPOOL_PYTHON} ${_fp_src}/completions.py --binary $<TARGET_FILE:fetchpool>
            --out-dir ${_fp_out}/completions
    DEPENDS fetchpool ${_fp_src}/completions.py
    COMMENT "Generating bash, zsh and fish completions from fetchpool --help"
    VERBATIM)

  add_custom_target(fetchpool_docs ALL
    DEPENDS ${_fp_out}/fetchpool.1.gz ${_fp_completions})

  install(FILES ${_fp_out}/fetchpool.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${_fp_out}/completions/fetchpool
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
  install(FILES ${_fp_out}/completions/fetchpool.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
  # zsh: share/zsh/site-functions is in zsh's default fpath under /usr/local, but Debian's zsh
  # looks in /usr/share/zsh/vendor-completions for packaged files (there is no
  # /usr/share/zsh/site-functions in its fpath). The prefix is only known at install time
  # (cpack installs with /usr), so decide then.
  install(CODE "
    if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
      set(_fp_zsh_dir \"\${CMAKE_INSTALL_PREFIX}/share/zsh/vendor-completions\")
    else()
      set(_fp_zsh_dir \"\${CMAKE_INSTALL_PREFIX}/share/zsh/site-functions\")
    endif()
    file(INSTALL DESTINATION \"\${_fp_zsh_dir}\" TYPE FILE FILES \"${_fp_out}/completions/_fetchpool\")
  ")

  if(FETCHPOOL_BUILD_TESTS)
    add_test(NAME packaging.docs
      COMMAND ${FETCHPOOL_PYTHON} ${_fp_src}/check_docs.py
              --binary $<TARGET_FILE:fetchpool>
              --version ${PROJECT_VERSION}
              --man ${_fp_out}/fetchpool.1
              --completions ${_fp_out}/completions)
    set_tests_properties(packaging.docs PROPERTIES TIMEOUT 120)
  endif()
endif()

# The Markdown documentation: links and anchors resolve, README stays a first screen, the user
# documents cite no commits or tracker numbers, docs/design.md draws the libraries as declared.
if(FETCHPOOL_BUILD_TESTS AND EXISTS ${FETCHPOOL_PYTHON})
  add_test(NAME docs.user COMMAND ${FETCHPOOL_PYTHON} ${_fp_src}/check_user_docs.py
                                  ${PROJECT_SOURCE_DIR})
  set_tests_properties(docs.user PROPERTIES TIMEOUT 60)
endif()

# --- the Debian package ----------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${PROJECT_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The fetchpool authors")
set(CPACK_PACKAGE_CONTACT "${FETCHPOOL_MAINTAINER}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "download many URLs concurrently and report one line per URL")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"fetchpool reads URLs, one per line, from files or standard input and fetches
them with a fixed pool of worker threads, each with its own reused libcurl
handle. It prints one line per URL and a summary, as text a person can read
at a glance, or as JSON Lines, CSV or a JUnit XML report for scripts and CI,
and its exit status says whether every URL was ok.

It can save bodies atomically into a directory and resume them, retry
transient failures with backoff, limit transfers per host and the request
rate, check each URL's status, latency, body text or SHA-256, and split one
list over many machines with --shard. Only http and https are ever fetched.

With --state it remembers runs in a SQLite file: a cache of what was ok, which
URLs changed or keep failing, and where an interrupted run resumes. For CI it
writes GitHub annotations, Markdown, SARIF and GitLab Code Quality reports, and
a self-contained HTML report of the run.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGE_FILE_NAME "${PROJECT_NAME}-${PROJECT_VERSION}")  # for generators other than DEB
include(CPack)
