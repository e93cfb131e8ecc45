// clang's thread-safety attributes (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html), as in
// leveldb's port/thread_annotations.h: which mutex guards a member, which a function needs held.
// clang with -Wthread-safety (scripts/build.sh thread) checks them at compile time; on other
// compilers they expand to nothing.
#pragma once

#if defined(__clang__)
#define FETCHPOOL_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define FETCHPOOL_THREAD_ANNOTATION(x)
#endif

// On a class: its objects are locks (Mutex).
#define CAPABILITY(x) FETCHPOOL_THREAD_ANNOTATION(capability(x))
// On a class: an RAII object that holds a lock while it lives (MutexLock).
#define SCOPED_CAPABILITY FETCHPOOL_THREAD_ANNOTATION(scoped_lockable)
// On a member: read and written only with the lock held.
#define GUARDED_BY(x) FETCHPOOL_THREAD_ANNOTATION(guarded_by(x))
// On a pointer member: what it points to is read and written only with the lock held.
#define PT_GUARDED_BY(x) FETCHPOOL_THREAD_ANNOTATION(pt_guarded_by(x))
// On a function: the caller holds these locks (and still holds them when it returns).
#define REQUIRES(...) FETCHPOOL_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// On a function: the caller must not hold these locks (the function takes them).
#define EXCLUDES(...) FETCHPOOL_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function: it takes / lets go of these locks (none named: the object's own).
#define ACQUIRE(...) FETCHPOOL_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) FETCHPOOL_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) FETCHPOOL_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// On a function: tells the analysis the lock is held from here on (checked at run time, if at all).
#define ASSERT_CAPABILITY(x) FETCHPOOL_THREAD_ANNOTATION(assert_capability(x))
// On a function: it returns a reference to this lock.
#define RETURN_CAPABILITY(x) FETCHPOOL_THREAD_ANNOTATION(lock_returned(x))
// On a function: not analysed. Only where the locking is correct but beyond what clang follows
// (a lock taken in one C callback and let go in another), with a comment saying why.
#define NO_THREAD_SAFETY_ANALYSIS FETCHPOOL_THREAD_ANNOTATION(no_thread_safety_analysis)
