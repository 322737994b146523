// Package state is Snappy's crash-safe state engine: it records changes and
// their tasks in one bbolt database and runs each task's do handler, and on
// failure or abort its undo handler, like snapd's task runner.
//
// # Durability
//
// Every task status transition is its own committed bbolt transaction, and a
// transition touches only the records of the change it belongs to, so the
// cost of running a change does not grow with the number of finished changes
// kept in history. Reading one change costs O(its tasks); the conflict check
// and crash recovery look only at the index of in-flight changes.
//
// Changes lists the whole history and is therefore linear in it;
// InProgressChanges (what `snap changes` shows by default) and
// ChangesForSnap go through indexes and are not. Prune bounds the history.
//
// # Running, failure and abort
//
// A task runs when it is Do and every task it waits for is Done; tasks that
// are runnable at the same time run concurrently. When a task fails it
// becomes Error and the failure spreads to the tasks sharing one of its
// lanes (to every task of the change if it has no lane) and to everything
// that waits on those, directly or not: tasks not started are put on Hold,
// running ones are aborted, done ones are undone. Undo runs in reverse
// order: a task is undone only once nothing that waited on it is still
// running, done or waiting to be undone. Tasks in other lanes carry on.
// Aborting a change does the same to all its tasks. An aborted running task
// is undone if its handler then returns nil, and is Error if it returns an
// error. Tasks in Error are never undone.
//
// A change's status follows snapd: the first of Abort, Undoing, Undo, Doing,
// Do, Error, Undone, Done, Hold that one of its tasks has.
//
// # The handler contract: handlers MUST be idempotent
//
// A task is marked Doing (committed) before its do handler is called and
// Done only after the handler returned. If the daemon dies in between, the
// next Engine.Start finds the task still Doing and CALLS THE DO HANDLER
// AGAIN, from the beginning. The same holds for undo handlers and Undoing.
// Therefore:
//
//   - a do handler must tolerate finding its own work partly or fully done
//     (check before acting, or act in ways that are safe to repeat);
//   - an undo handler must tolerate the do handler having run only partly,
//     or not at all, and must tolerate being run twice;
//   - a handler that returns an error must leave nothing behind: tasks in
//     Error are never undone;
//   - state a handler needs in order to resume or undo (what it created,
//     what it replaced) must be written with TaskContext.Set before the
//     effect it describes, because Set commits immediately.
//
// Handlers should watch TaskContext.Context: it is cancelled on Abort
// (context.Cause is ErrAborted) and on Engine.Stop (ErrStopping). After a
// Stop, a handler that returns an error is simply re-run after the next
// Start, while one that returns nil is recorded as Done, so a handler must
// return nil only when its work is complete. After an Abort, returning nil
// gets the task undone and returning an error leaves it in Error.
package state
