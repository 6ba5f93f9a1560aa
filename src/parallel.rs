//! Work split across the machine's cores, for the passes that are parallel by
//! nature (one chapter's scan does not depend on another's).

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// Below this much text a book is done on one thread. At 1.4 MB (200
/// chapters) a second thread saved 1.5 of 15 ms but took 0.25 MiB more
/// memory (its stack, its allocator arena, the code of threads); at 2 MB it
/// saves a fifth of the time.
pub const MIN_PARALLEL_BYTES: usize = 2 << 20;

/// Whether work on this many bytes of text is worth other threads at all.
pub fn worth_threads(bytes: usize) -> bool {
    bytes >= MIN_PARALLEL_BYTES
}

/// `f` over every item, in order, on up to as many threads as there are cores.
/// Items are split into contiguous runs of about equal `weight`.
pub fn map<T, R, F>(items: &[T], weight: impl Fn(&T) -> usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &T) -> R + Sync,
{
    let Some(bounds) = cut_points(items.len(), |i| weight(&items[i])) else {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    };
    let f = &f;
    let run = move |start: usize, end: usize| (start..end).map(|i| f(i, &items[i])).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = bounds[1..]
            .windows(2)
            .map(|w| {
                let (start, end) = (w[0], w[1]);
                s.spawn(move || run(start, end))
            })
            .collect();
        join_in_order(run(bounds[0], bounds[1]), handles)
    })
}

/// [`map`] over owned items (each moved into `f`), results in order.
pub fn map_owned<T, R, F>(items: Vec<T>, weight: impl Fn(&T) -> usize, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let Some(bounds) = cut_points(items.len(), |i| weight(&items[i])) else {
        return items.into_iter().map(f).collect();
    };
    // Each run split off the end whole, so no item is moved twice.
    let mut items = items;
    let mut runs: Vec<Vec<T>> = bounds[1..bounds.len() - 1]
        .iter()
        .rev()
        .map(|&at| items.split_off(at))
        .collect();
    runs.push(items);
    runs.reverse();
    let f = &f;
    let mut runs = runs.into_iter();
    let first = runs.next().unwrap_or_default();
    std::thread::scope(|s| {
        let handles: Vec<_> = runs
            .map(|run| s.spawn(move || run.into_iter().map(f).collect()))
            .collect();
        join_in_order(first.into_iter().map(f).collect(), handles)
    })
}

/// Where to cut `n` items (item `i` weighing `weight(i)`) into one contiguous
/// run per core, of about equal weight: the runs' bounds, `0` first and `n`
/// last; `None` when one thread should do it all (one core, or too little work).
fn cut_points(n: usize, weight: impl Fn(usize) -> usize) -> Option<Vec<usize>> {
    let total: usize = (0..n).map(&weight).sum();
    // Asked only when there is work enough: the answer reads cgroup files.
    if !worth_threads(total) {
        return None;
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(n);
    if threads <= 1 {
        return None;
    }
    // Cut where the running weight passes each thread's share.
    let mut bounds = vec![0];
    let mut running = 0;
    for i in 0..n {
        running += weight(i);
        if running * threads >= total * bounds.len() && bounds.len() < threads {
            bounds.push(i + 1);
        }
    }
    bounds.push(n);
    bounds.dedup();
    Some(bounds)
}

/// The first run's results (made on the calling thread, which would
/// otherwise only wait: one thread and one allocator arena fewer) followed by
/// the other runs', in the runs' order; a run's panic goes on here.
fn join_in_order<R>(
    first: Vec<R>,
    handles: Vec<std::thread::ScopedJoinHandle<'_, Vec<R>>>,
) -> Vec<R> {
    let rest: Vec<Vec<R>> = handles
        .into_iter()
        .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        .collect();
    // Made at its final size: grown as it went, it could hold twice the room.
    let mut all = Vec::with_capacity(first.len() + rest.iter().map(Vec::len).sum::<usize>());
    all.extend(first);
    rest.into_iter().for_each(|run| all.extend(run));
    all
}

/// Work handed over while it is still being produced: `f` runs on every item
/// on helper threads of `scope` (one fewer than the cores) as soon as it is
/// pushed, until [`Stream::stop`] hands back what is done and what is not.
/// Scoped, so items may borrow what the caller holds (the book's input).
pub struct Stream<'scope, T, R> {
    items: Option<Sender<T>>,
    queue: Arc<Mutex<Receiver<T>>>,
    /// Set by [`Stream::stop`]: helpers start no new item.
    stopped: Arc<AtomicBool>,
    helpers: Vec<std::thread::ScopedJoinHandle<'scope, Drained<T, R>>>,
}

/// A worker's results, and the item it took but did not start (after a stop).
type Drained<T, R> = (Vec<R>, Option<T>);

impl<'scope, T: Send + 'scope, R: Send + 'scope> Stream<'scope, T, R> {
    pub fn new<'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        f: impl Fn(T) -> R + Send + Sync + 'scope,
    ) -> Stream<'scope, T, R> {
        let (items, queue) = channel();
        let queue = Arc::new(Mutex::new(queue));
        let f: Arc<dyn Fn(T) -> R + Send + Sync + 'scope> = Arc::new(f);
        let stopped = Arc::new(AtomicBool::new(false));
        let helpers = (1..std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
            .filter_map(|_| {
                let (queue, f) = (Arc::clone(&queue), Arc::clone(&f));
                let stopped = Arc::clone(&stopped);
                // Without a thread the work is all handed back by `stop`.
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || drain(&queue, &*f, &stopped))
                    .ok()
            })
            .collect();
        Stream {
            items: Some(items),
            queue,
            stopped,
            helpers,
        }
    }

    pub fn push(&self, item: T) {
        if let Some(items) = &self.items {
            // The receiving end lives as long as `self`, so this cannot fail.
            let _ = items.send(item);
        }
    }

    /// Stops the helpers once they are done with the items they are on:
    /// the results so far and every item not started (each in no particular
    /// order), for the caller to do otherwise.
    pub fn stop(mut self) -> (Vec<R>, Vec<T>) {
        self.stopped.store(true, Ordering::Release);
        self.items = None;
        let (mut out, mut left) = (Vec::new(), Vec::new());
        for helper in self.helpers.drain(..) {
            let (done, taken) = helper
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            out.extend(done);
            left.extend(taken);
        }
        if let Ok(queue) = self.queue.lock() {
            left.extend(queue.try_iter());
        }
        (out, left)
    }
}

/// Runs `f` on items from the queue until it is empty and closed.
fn drain<T, R>(
    queue: &Mutex<Receiver<T>>,
    f: &(dyn Fn(T) -> R + Send + Sync),
    stopped: &AtomicBool,
) -> Drained<T, R> {
    let mut out = Vec::new();
    loop {
        // A poisoned lock means another worker panicked; its join reports it.
        let Ok(next) = queue.lock().map(|q| q.recv()) else {
            return (out, None);
        };
        match next {
            Ok(item) if stopped.load(Ordering::Acquire) => return (out, Some(item)),
            Ok(item) => out.push(f(item)),
            Err(_) => return (out, None),
        }
    }
}

/// Drops `value` on a thread of its own when it is big (`bytes` of text went
/// into it), so freeing it overlaps the work that follows.
pub fn drop_in_background<T: Send + 'static>(value: T, bytes: usize) {
    if !worth_threads(bytes) {
        return drop(value);
    }
    // Should no thread start, the closure (and the value in it) is dropped
    // right here instead.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_covers_every_item_above_the_threshold() {
        let items: Vec<usize> = (0..1000).collect();
        let out = map(&items, |_| MIN_PARALLEL_BYTES / 100, |i, &x| (i, x * 2));
        assert_eq!(out, (0..1000).map(|i| (i, i * 2)).collect::<Vec<_>>());
    }

    #[test]
    fn a_stream_runs_every_pushed_item_once() {
        let borrowed: Vec<u64> = (0..10_000).collect();
        std::thread::scope(|s| {
            let stream = Stream::new(s, |x: &u64| x * x);
            for x in &borrowed {
                stream.push(x);
            }
            let (mut out, left) = stream.stop();
            out.extend(left.into_iter().map(|x| x * x));
            out.sort_unstable();
            assert_eq!(out, (0..10_000u64).map(|x| x * x).collect::<Vec<_>>());
            let (done, left) = Stream::new(s, |x: u8| x).stop();
            assert!(done.is_empty() && left.is_empty());
        });
    }

    #[test]
    fn a_stopped_stream_hands_back_every_item_it_did_not_start() {
        std::thread::scope(|s| {
            let slow = |x: u64| {
                std::thread::sleep(std::time::Duration::from_micros(50));
                x
            };
            let stream = Stream::new(s, slow);
            for x in 0..2_000u64 {
                stream.push(x);
            }
            let (done, left) = stream.stop();
            let mut all: Vec<u64> = done.into_iter().chain(left.iter().copied()).collect();
            all.sort_unstable();
            assert_eq!(all, (0..2_000).collect::<Vec<_>>());
            assert!(!left.is_empty(), "2,000 × 50 µs cannot be done at once");
        });
    }

    #[test]
    fn owned_items_keep_their_order_above_the_threshold() {
        for n in [0, 1, 2, 3, 1000] {
            let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let out = map_owned(items.clone(), |_| MIN_PARALLEL_BYTES / 10, |s| s + "!");
            assert_eq!(
                out,
                items.iter().map(|s| format!("{s}!")).collect::<Vec<_>>()
            );
        }
        let heavy_first = vec![MIN_PARALLEL_BYTES * 5, 1, 1];
        assert_eq!(map_owned(heavy_first.clone(), |&w| w, |w| w), heavy_first);
    }

    #[test]
    fn uneven_weights_and_small_inputs() {
        let items: Vec<usize> = vec![MIN_PARALLEL_BYTES * 3, 1, 1, 1];
        assert_eq!(map(&items, |&w| w, |_, &x| x), items);
        let small = vec![1, 2, 3];
        assert_eq!(map(&small, |_| 1, |_, &x| x + 1), vec![2, 3, 4]);
        let empty: Vec<u8> = Vec::new();
        assert!(map(&empty, |_| 1, |_, &x| x).is_empty());
    }
}
