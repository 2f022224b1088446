//! The audio a live session has sent and the server has not acknowledged yet: what a reconnection
//! sends again, and what bounds the session's memory.
//!
//! Where an acknowledgment ends: Gladia's SDKs (`@gladiaio/sdk` `src/v2/live/session.ts`,
//! `gladiaio-sdk` `v2/live/_helpers.py`) read `byte_range[1]` as the number of bytes the server
//! has (an exclusive end); Gladia's published AsyncAPI document calls it the last byte received
//! (inclusive). The session is right under both: it sends whole sample frames only, so the server
//! has a whole number of frames, and `byte_range[1] + 1` rounded down to whole frames is that
//! number under either reading. One-byte frames (8-bit mono, a-law, u-law) are the case rounding
//! cannot settle: there the server's acknowledgments tell the reading. Gladia acknowledges each
//! binary message it receives, so an end that falls where a message ended is exclusive, and one
//! that falls a byte before is inclusive; consecutive ranges (the next starts at the previous
//! end, or one past it) tell it too. Until one of them does, it is read as the SDKs read it.

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
    /// Where each message sent on this connection and not yet acknowledged ends.
    message_ends: VecDeque<u64>,
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
            message_ends: VecDeque::new(),
        }
    }

    /// Keeps a chunk that has just been sent as one message.
    pub(crate) fn push(&mut self, chunk: Bytes) {
        self.len += chunk.len() as u64;
        self.chunks.push_back(chunk);
        self.message_ends.push_back(self.start + self.len);
    }

    /// What a new connection sends again: the kept audio in messages of at most `limit` bytes.
    pub(crate) fn resend(&mut self, limit: usize) -> Vec<Bytes> {
        let limit = limit.max(1);
        let mut messages = Vec::new();
        self.message_ends.clear();
        let mut end = self.start;
        for chunk in &self.chunks {
            for first in (0..chunk.len()).step_by(limit) {
                let message = chunk.slice(first..chunk.len().min(first + limit));
                end += message.len() as u64;
                self.message_ends.push_back(end);
                messages.push(message);
            }
        }
        messages
    }

    /// The server acknowledged `byte_range: [first, end]`: forgets what it has. Returns how many
    /// bytes it forgot. An acknowledgment of bytes already forgotten changes nothing; one past
    /// what was sent forgets only what was sent.
    pub(crate) fn acknowledge(&mut self, first: u64, end: u64) -> u64 {
        if self.reading == Reading::Unknown {
            self.reading = self.reading_told_by(first, end);
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

    /// What an acknowledgment tells of the server's reading: where it ends against the messages
    /// sent, or where it starts against the previous one.
    fn reading_told_by(&self, first: u64, end: u64) -> Reading {
        let ends_message = |offset: u64| self.message_ends.contains(&offset);
        match (ends_message(end), ends_message(end.saturating_add(1))) {
            (true, false) => return Reading::Exclusive,
            (false, true) => return Reading::Inclusive,
            _ => {}
        }
        match self.last_end {
            Some(last) if first == last && last > 0 => Reading::Exclusive,
            Some(last) if first == last.saturating_add(1) => Reading::Inclusive,
            _ => Reading::Unknown,
        }
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
        while self
            .message_ends
            .front()
            .is_some_and(|&end| end <= self.start)
        {
            self.message_ends.pop_front();
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
        buffer
            .chunks
            .iter()
            .flat_map(|c| c.iter().copied())
            .collect()
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
    fn the_messages_sent_tell_the_reading_of_one_byte_frames() {
        let mut inclusive = buffer(1, &[b"abcd", b"efgh", b"ij"]);
        assert_eq!(inclusive.acknowledge(0, 3), 4);
        assert_eq!(kept(&inclusive), b"efghij");
        assert_eq!(inclusive.acknowledge(4, 7), 4);
        assert_eq!(inclusive.acknowledge(8, 9), 2);
        assert!(!inclusive.awaited());

        let mut exclusive = buffer(1, &[b"abcd", b"efgh", b"ij"]);
        assert_eq!(exclusive.acknowledge(0, 4), 4);
        assert_eq!(exclusive.acknowledge(4, 8), 4);
        assert_eq!(exclusive.acknowledge(8, 10), 2);
        assert_eq!(exclusive.len(), 0);
    }

    #[test]
    fn consecutive_ranges_tell_the_reading_when_ends_fall_inside_messages() {
        // Read as the SDKs do until known: an inclusive end leaves its last byte.
        let mut inclusive = buffer(1, &[b"abcdefgh", b"ij"]);
        assert_eq!(inclusive.acknowledge(0, 3), 3);
        assert_eq!(kept(&inclusive), b"defghij");
        assert!(inclusive.awaited());
        assert_eq!(inclusive.acknowledge(4, 5), 3);
        assert_eq!(kept(&inclusive), b"ghij");
        assert_eq!(inclusive.acknowledge(6, 9), 4);
        assert_eq!(inclusive.len(), 0);
    }

    #[test]
    fn messages_sent_again_are_cut_at_the_limit_and_tell_the_reading_too() {
        let mut buffer = buffer(1, &[b"abcdefgh", b"ij"]);
        assert_eq!(buffer.acknowledge(0, 2), 2);
        let again = buffer.resend(4);
        let again: Vec<&[u8]> = again.iter().map(|message| &message[..]).collect();
        assert_eq!(again, [&b"cdef"[..], b"gh", b"ij"]);
        // An inclusive end one byte before the end of the first message sent again.
        assert_eq!(buffer.acknowledge(2, 5), 4);
        assert_eq!(kept(&buffer), b"ghij");
        assert_eq!(buffer.acknowledge(6, 9), 4);
        assert_eq!(buffer.len(), 0);
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
