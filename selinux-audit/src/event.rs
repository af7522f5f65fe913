//! Grouping records into events by (node, `SEC.MSEC`, serial), streaming.
//!
//! auditd never writes EOE to disk, records of one event need not be adjacent (other events
//! interleave, e.g. several `agetty` processes logging at once) and their order is not fixed
//! (AVC usually first, then SYSCALL, CWD, PATH, PROCTITLE, but not always). So the grouper
//! neither waits for EOE nor relies on order: it keeps a window of open events and attaches each
//! record to the open event with the same key.
//!
//! **Reorder window.** An event is released once [`DEFAULT_WINDOW`] (128) newer distinct event
//! keys have been seen after it, or at the end of input ([`EventGrouper::finish`]). Events are
//! released in first-seen order. 128 covers every interleaving seen in the corpora (a handful of
//! events) with a wide margin while keeping memory bounded: at most `window + 1` events are
//! open at once. A record that arrives after its event was released starts a new event with the
//! same key. EOE records, when present, are kept like any other record; they do not close events.
//! The same serial on two nodes, or after the u32 wrap with another timestamp, gives distinct
//! events because the key includes the node and the time.

use std::collections::{HashMap, VecDeque};

use crate::record::Record;

/// The default reorder window (distinct newer events before an event is released).
pub const DEFAULT_WINDOW: usize = 128;

/// The identity of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventKey<'a> {
    /// `node=` prefix.
    pub node: Option<&'a [u8]>,
    /// Seconds.
    pub sec: u64,
    /// Milliseconds.
    pub msec: u32,
    /// Serial.
    pub serial: u64,
}

impl<'a> EventKey<'a> {
    /// The key of `record`.
    pub fn of(record: &Record<'a>) -> Self {
        EventKey {
            node: record.node,
            sec: record.time.sec,
            msec: record.time.msec,
            serial: record.serial,
        }
    }
}

/// Where a record was read: 1-based line number and byte offset of the line start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinePos {
    /// 1-based line number.
    pub line: u64,
    /// 0-based byte offset of the line start in the input.
    pub byte: u64,
}

/// The records of one event, in input order.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// The shared key.
    pub key: EventKey<'a>,
    /// Records with where they were read.
    pub records: Vec<(Record<'a>, LinePos)>,
}

/// Streaming grouper with a bounded reorder window.
#[derive(Debug)]
pub struct EventGrouper<'a> {
    window: usize,
    /// Open events, oldest first; the event at index `i` has sequence number `front_seq + i`.
    open: VecDeque<Event<'a>>,
    front_seq: u64,
    next_seq: u64,
    index: HashMap<EventKey<'a>, u64>,
}

impl<'a> EventGrouper<'a> {
    /// A grouper releasing an event once `window` newer distinct events were seen
    /// (a window of 0 is treated as 1).
    pub fn new(window: usize) -> Self {
        EventGrouper {
            window: window.max(1),
            open: VecDeque::new(),
            front_seq: 0,
            next_seq: 0,
            index: HashMap::new(),
        }
    }

    /// Adds a record; events that fall out of the window are passed to `release`.
    pub fn push(&mut self, record: Record<'a>, pos: LinePos, mut release: impl FnMut(Event<'a>)) {
        let key = EventKey::of(&record);
        if let Some(&seq) = self.index.get(&key) {
            let slot = usize::try_from(seq.saturating_sub(self.front_seq)).ok();
            if let Some(event) = slot.and_then(|i| self.open.get_mut(i)) {
                event.records.push((record, pos));
                return;
            }
        }
        self.index.insert(key, self.next_seq);
        self.next_seq += 1;
        self.open.push_back(Event { key, records: vec![(record, pos)] });
        let window = u64::try_from(self.window).unwrap_or(u64::MAX);
        while self.next_seq.saturating_sub(self.front_seq) > window {
            match self.pop_front() {
                Some(event) => release(event),
                None => break,
            }
        }
    }

    /// Releases every open event, in first-seen order.
    pub fn finish(&mut self, mut release: impl FnMut(Event<'a>)) {
        while let Some(event) = self.pop_front() {
            release(event);
        }
    }

    /// Number of open events.
    pub fn open_events(&self) -> usize {
        self.open.len()
    }

    fn pop_front(&mut self) -> Option<Event<'a>> {
        let event = self.open.pop_front()?;
        // Only forget the key if it still points at this event.
        if self.index.get(&event.key) == Some(&self.front_seq) {
            self.index.remove(&event.key);
        }
        self.front_seq += 1;
        Some(event)
    }
}

impl Default for EventGrouper<'_> {
    fn default() -> Self {
        EventGrouper::new(DEFAULT_WINDOW)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_line;

    fn group(lines: &[&'static [u8]], window: usize) -> Vec<Vec<u64>> {
        let mut g = EventGrouper::new(window);
        let mut out = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            let r = parse_line(line).unwrap();
            let pos = LinePos { line: n as u64 + 1, byte: 0 };
            g.push(r, pos, |e| out.push(e.records.iter().map(|(_, p)| p.line).collect()));
        }
        g.finish(|e| out.push(e.records.iter().map(|(_, p)| p.line).collect()));
        out
    }

    #[test]
    fn interleaved_and_out_of_order() {
        let lines: &[&[u8]] = &[
            b"type=AVC msg=audit(1.604:28): x=1",
            b"type=AVC msg=audit(1.608:29): x=1",
            b"type=SYSCALL msg=audit(1.608:29): x=1",
            b"type=PROCTITLE msg=audit(1.612:30): x=1",
            b"type=SYSCALL msg=audit(1.604:28): x=1",
            b"node=b type=AVC msg=audit(1.604:28): x=1",
        ];
        assert_eq!(group(lines, 128), vec![vec![1, 5], vec![2, 3], vec![4], vec![6]]);
    }

    #[test]
    fn window_releases_in_first_seen_order() {
        let lines: &[&[u8]] = &[
            b"type=AVC msg=audit(1.0:1): x=1",
            b"type=AVC msg=audit(1.0:2): x=1",
            b"type=AVC msg=audit(1.0:3): x=1",
            // Event 1 was released when event 3 arrived (window 2): this starts a new event.
            b"type=SYSCALL msg=audit(1.0:1): x=1",
            b"type=SYSCALL msg=audit(1.0:3): x=1",
        ];
        assert_eq!(group(lines, 2), vec![vec![1], vec![2], vec![3, 5], vec![4]]);
    }

    #[test]
    fn serial_wrap_gives_distinct_events() {
        let lines: &[&[u8]] = &[
            b"type=AVC msg=audit(1700000300.500:4294967295): x=1",
            b"type=AVC msg=audit(1700000300.501:0): x=1",
            b"type=SYSCALL msg=audit(1700000300.501:0): x=1",
            b"type=SYSCALL msg=audit(1700000300.500:4294967295): x=1",
        ];
        assert_eq!(group(lines, 128), vec![vec![1, 4], vec![2, 3]]);
    }
}
