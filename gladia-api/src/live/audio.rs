//! The audio a live session has sent and the server has not acknowledged yet: what a reconnection
//! sends again, and what bounds the session's memory.
//!
//! Where an acknowledgment ends: Gladia's SDKs (`@gladiaio/sdk` `src/v2/live/session.ts`,
//! `gladiaio-sdk` `v2/live/_helpers.py`) read `byte_range[1]` as the number of bytes the server
//! has (an exclusive end); Gladia's published AsyncAPI document calls it the last byte received
//! (inclusive). The session is right under both: it sends whole sample frames only, so the server
//! has a whole number of frames, and `byte_range[1] + 1` rounded down to whole frames is that
//! number under either reading. Consecutive acknowledgments then tell the reading itself (the
//! next range starts at the previous end, or one past it), which settles the one case rounding
//! cannot: one-byte frames (8-bit mono, a-law, u-law), read as the SDKs do until then.

use std::collections::VecDeque;

use bytes::Bytes;

/// How the server means the end of a `byte_range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Unknown,
    /// The end is the number of bytes received (Gladia's SDKs).
    Exclusive,
    /// The end is the last byte received (Gladia's AsyncAPI document).
    Inclusive,
}

/// Sent audio, from the first byte not acknowledged to the last byte sent.
#[derive(Debug)]
pub(crate) struct Unacknowledged {
    /// Offset, counted from the session's first byte, of the first byte of `chunks`.
    start: u64,
    chunks: VecDeque<Bytes>,
    len: u64,
    /// Bytes per sample frame (all channels of one sample).
    frame: u64,
    reading: Reading,
    /// The end of the last acknowledgment, as the server wrote it.
    last_end: Option<u64>,
}

impl Unacknowledged {
    pub(crate) fn new(frame: usize) -> Self {
        Self {
            start: 0,
            chunks: VecDeque::new(),
            len: 0,
            frame: frame.max(1) as u64,
            reading: Reading::Unknown,
            last_end: None,
        }
    }

    /// Keeps a chunk that has just been sent.
    pub(crate) fn push(&mut self, chunk: Bytes) {
        self.len += chunk.len() as u64;
        self.chunks.push_back(chunk);
    }

    /// The server acknowledged `byte_range: [first, end]`: forgets what it has. Returns how many
    /// bytes it forgot. An acknowledgment of bytes already forgotten changes nothing; one past
    /// what was sent forgets only what was sent.
    pub(crate) fn acknowledge(&mut self, first: u64, end: u64) -> u64 {
        if let (Reading::Unknown, Some(last)) = (self.reading, self.last_end) {
            if first == last && last > 0 {
                self.reading = Reading::Exclusive;
            } else if first == last.saturating_add(1) {
                self.reading = Reading::Inclusive;
            }
        }
        self.last_end = Some(end);
        let received = match self.reading {
            Reading::Exclusive => end,
            Reading::Inclusive => end.saturating_add(1),
            Reading::Unknown if self.frame == 1 => end,
            Reading::Unknown => end.saturating_add(1) / self.frame * self.frame,
        };
        self.forget_through(received)
    }

    /// Forgets every byte before offset `received`.
    fn forget_through(&mut self, received: u64) -> u64 {
        let through = received.min(self.start + self.len);
        let mut released = 0;
        while self.start < through {
            let Some(front) = self.chunks.front_mut() else {
                break;
            };
            let take = (through - self.start).min(front.len() as u64);
            if take == front.len() as u64 {
                self.chunks.pop_front();
            } else {
                *front = front.slice(take as usize..);
            }
            self.start += take;
            self.len -= take;
            released += take;
        }
        released
    }

    /// Whether bytes wait for an acknowledgment that should come. Under the SDKs' reading taken
    /// before the server's is known, an inclusive server leaves one byte that no acknowledgment
    /// covers until the next: that byte is not waited for.
    pub(crate) fn awaited(&self) -> bool {
        let leftover = u64::from(self.reading == Reading::Unknown && self.frame == 1);
        self.len > leftover
    }

    /// The chunks to send again after a reconnection, in order.
    pub(crate) fn chunks(&self) -> impl Iterator<Item = &Bytes> {
        self.chunks.iter()
    }

    /// Bytes kept.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buffer(frame: usize, chunks: &[&'static [u8]]) -> Unacknowledged {
        let mut buffer = Unacknowledged::new(frame);
        for chunk in chunks {
            buffer.push(Bytes::from_static(chunk));
        }
        buffer
    }

    fn kept(buffer: &Unacknowledged) -> Vec<u8> {
        buffer.chunks().flat_map(|c| c.iter().copied()).collect()
    }

    #[test]
    fn both_readings_of_an_end_give_the_same_whole_frames() {
        for (first, end) in [(0, 4), (0, 3)] {
            let mut buffer = buffer(2, &[b"abcd", b"efgh"]);
            assert_eq!(buffer.acknowledge(first, end), 4, "[{first}, {end}]");
            assert_eq!(kept(&buffer), b"efgh");
        }
    }

    #[test]
    fn consecutive_ranges_tell_the_reading_of_one_byte_frames() {
        // Read as the SDKs do until known: an inclusive end leaves its last byte.
        let mut inclusive = buffer(1, &[b"abcd", b"efgh", b"ij"]);
        assert_eq!(inclusive.acknowledge(0, 3), 3);
        assert_eq!(kept(&inclusive), b"defghij");
        assert_eq!(inclusive.acknowledge(4, 7), 5);
        assert_eq!(kept(&inclusive), b"ij");
        assert_eq!(inclusive.acknowledge(8, 9), 2);
        assert!(!inclusive.awaited());

        let mut exclusive = buffer(1, &[b"abcd", b"efgh", b"ij"]);
        assert_eq!(exclusive.acknowledge(0, 4), 4);
        assert_eq!(exclusive.acknowledge(4, 8), 4);
        assert_eq!(exclusive.acknowledge(8, 10), 2);
        assert_eq!(exclusive.len(), 0);
    }

    #[test]
    fn acknowledgments_forget_whole_and_partial_chunks_and_no_more_than_was_sent() {
        let mut buffer = buffer(2, &[b"abcd", b"efgh", b"ij"]);
        assert_eq!(buffer.acknowledge(0, 6), 6);
        assert_eq!(kept(&buffer), b"ghij");
        // Already forgotten: nothing more.
        assert_eq!(buffer.acknowledge(0, 4), 0);
        // Past what was sent: only what was sent.
        assert_eq!(buffer.acknowledge(6, 1_000), 4);
        assert_eq!(buffer.len(), 0);
        buffer.push(Bytes::from_static(b"kl"));
        assert_eq!(buffer.acknowledge(10, 12), 2);
        assert!(!buffer.awaited());
    }
}
