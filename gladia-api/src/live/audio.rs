//! The audio a live session has sent and the server has not acknowledged yet: what a reconnection
//! sends again, and what bounds the session's memory.
//!
//! Where an acknowledgment ends: Gladia's SDKs (`@gladiaio/sdk` `src/v2/live/session.ts`,
//! `gladiaio-sdk` `v2/live/_helpers.py`) read `byte_range[1]` as the number of bytes the server
//! has (an exclusive end); Gladia's published AsyncAPI document calls it the last byte received
//! (inclusive). The session is right under both: it sends whole sample frames only, so the server
//! has a whole number of frames, and `byte_range[1] + 1` rounded down to whole frames is that
//! number under either reading. One-byte frames (8-bit mono, a-law, u-law) are the case rounding
//! cannot settle: there the server's acknowledgments must tell the reading, and only what proves
//! it is taken, on one connection:
//!
//! - consecutive ranges: the next starts at the previous end (exclusive) or one past it
//!   (inclusive), as a server neither overlaps its ranges nor skips a byte;
//! - a range of one byte, `[a, a]`: inclusive (exclusive, it would be empty);
//! - an end at the last byte sent plus one: exclusive (inclusive, it would name a byte never sent).
//!
//! Until then, an acknowledgment forgets only what both readings agree the server has (up to
//! the end, exclusive): the byte at the end stays, and is not waited for. Whether it ends a
//! message is no proof (a server may acknowledge inside messages, and an end may fall a byte
//! before or at a message's end by chance), so it is only a guess, taken at a cut when nothing
//! proved the reading yet: a byte at the end of a message is taken as received (Gladia
//! acknowledges each message whole), any other as the SDKs read it.

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
    /// The reading, once proved (one-byte frames only).
    reading: Reading,
    /// The end of the last acknowledgment on this connection, as the server wrote it.
    last_end: Option<u64>,
    /// Unproved: whether the byte at `last_end` ends a message sent, the guess a cut takes.
    ends_message: bool,
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
            ends_message: false,
            message_ends: VecDeque::new(),
        }
    }

    /// Keeps a chunk that has just been sent as one message.
    pub(crate) fn push(&mut self, chunk: Bytes) {
        self.len += chunk.len() as u64;
        self.chunks.push_back(chunk);
        self.message_ends.push_back(self.start + self.len);
    }

    /// What a new connection sends again: the kept audio in messages of at most `limit` bytes,
    /// and how many bytes were forgotten first. With the reading of one-byte frames unproved,
    /// the byte at the last acknowledgment's end is taken as received if it ended a message.
    pub(crate) fn resend(&mut self, limit: usize) -> (Vec<Bytes>, u64) {
        let released = match self.undecided() {
            Some(end) if self.ends_message => self.forget_through(end.saturating_add(1)),
            _ => 0,
        };
        // Ranges of the next connection are compared with its own only.
        self.last_end = None;
        self.ends_message = false;
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
        (messages, released)
    }

    /// The server acknowledged `byte_range: [first, end]`: forgets what it has. Returns how many
    /// bytes it forgot. An acknowledgment of bytes already forgotten changes nothing; one past
    /// what was sent forgets only what was sent.
    pub(crate) fn acknowledge(&mut self, first: u64, end: u64) -> u64 {
        if self.frame > 1 {
            // Either reading, rounded down to whole frames, is the same number.
            return self.forget_through(end.saturating_add(1) / self.frame * self.frame);
        }
        if self.reading == Reading::Unknown {
            self.reading = self.reading_proved_by(first, end);
        }
        // The guess a cut takes while nothing proves the reading: an end one byte before a
        // message's end, and not at one, is read as inclusive.
        let ends_message = |offset: u64| self.message_ends.contains(&offset);
        self.ends_message = ends_message(end.saturating_add(1)) && !ends_message(end);
        self.last_end = Some(end);
        match self.reading {
            // Every byte before the end, and (proved inclusive) the end's own byte, with the
            // byte an earlier unproved end left.
            Reading::Inclusive => self.forget_through(end.saturating_add(1)),
            // Exclusive, or unproved: what both readings agree on.
            Reading::Exclusive | Reading::Unknown => self.forget_through(end),
        }
    }

    /// The reading an acknowledgment proves, if it proves one: against the previous range of
    /// this connection, its own length, or the audio sent.
    fn reading_proved_by(&self, first: u64, end: u64) -> Reading {
        match self.last_end {
            Some(last) if first == last && last > 0 => return Reading::Exclusive,
            Some(last) if first == last.saturating_add(1) => return Reading::Inclusive,
            _ => {}
        }
        if first == end {
            Reading::Inclusive
        } else if end > self.start && end == self.start + self.len {
            Reading::Exclusive
        } else {
            Reading::Unknown
        }
    }

    /// The offset of the kept byte whose receipt the server's reading would decide, if any.
    fn undecided(&self) -> Option<u64> {
        let end = self.last_end?;
        (self.frame == 1 && self.reading == Reading::Unknown && end == self.start && self.len > 0)
            .then_some(end)
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

    /// Whether bytes wait for an acknowledgment that should come. The byte an unproved reading
    /// leaves undecided is not waited for: an inclusive server has it, and acknowledged it.
    pub(crate) fn awaited(&self) -> bool {
        let leftover = u64::from(self.undecided().is_some());
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

    fn resent(buffer: &mut Unacknowledged, limit: usize) -> (Vec<Vec<u8>>, u64) {
        let (messages, released) = buffer.resend(limit);
        (messages.iter().map(|m| m.to_vec()).collect(), released)
    }

    #[test]
    fn whole_messages_acknowledged_under_each_reading() {
        // Inclusive: the first end leaves its byte undecided (not awaited), the next range,
        // starting one past it, proves the reading and takes it.
        let mut inclusive = buffer(1, &[b"abcd", b"efgh", b"ij"]);
        assert_eq!(inclusive.acknowledge(0, 3), 3);
        assert_eq!(kept(&inclusive), b"defghij");
        assert_eq!(inclusive.acknowledge(4, 7), 5);
        assert_eq!(inclusive.reading, Reading::Inclusive);
        assert_eq!(inclusive.acknowledge(8, 9), 2);
        assert_eq!(inclusive.len(), 0);
        assert!(!inclusive.awaited());

        let mut exclusive = buffer(1, &[b"abcd", b"efgh", b"ij"]);
        assert_eq!(exclusive.acknowledge(0, 4), 4);
        assert_eq!(exclusive.acknowledge(4, 8), 4);
        assert_eq!(exclusive.reading, Reading::Exclusive);
        assert_eq!(exclusive.acknowledge(8, 10), 2);
        assert_eq!(exclusive.len(), 0);
    }

    /// Issue 21, point 5: an exclusive server whose first end falls one byte before a message's
    /// end (`[0, 1599]` of 1600-byte messages). That is no proof: the next range, starting at
    /// that end, proves exclusive, and a cut resends from what the server has.
    #[test]
    fn an_exclusive_end_a_byte_before_a_message_end_proves_nothing() {
        let mut buffer = buffer(1, &[b"abcd", b"efgh", b"ijkl"]);
        assert_eq!(buffer.acknowledge(0, 3), 3);
        assert_eq!(buffer.reading, Reading::Unknown);
        assert_eq!(kept(&buffer), b"defghijkl");
        assert_eq!(buffer.acknowledge(3, 8), 5);
        assert_eq!(buffer.reading, Reading::Exclusive);
        assert_eq!(resent(&mut buffer, 100), (vec![b"ijkl".to_vec()], 0));
    }

    /// Issue 21, point 5: an inclusive server acknowledging `[0, 0]`, then `[1, 4]` where a
    /// message ends at 4: the one-byte range proves inclusive, the message end does not undo it.
    #[test]
    fn an_inclusive_end_at_a_message_end_stays_inclusive() {
        let mut buffer = buffer(1, &[b"abcd", b"efgh"]);
        assert_eq!(buffer.acknowledge(0, 0), 1);
        assert_eq!(buffer.reading, Reading::Inclusive);
        assert_eq!(buffer.acknowledge(1, 4), 4);
        assert_eq!(kept(&buffer), b"fgh");
        assert_eq!(resent(&mut buffer, 100), (vec![b"fgh".to_vec()], 0));
    }

    /// Acknowledgments inside messages (5-byte messages, ends at 2, 7, 12), each reading, then a
    /// cut: the resend starts at the 12th byte, what the server has.
    #[test]
    fn ends_inside_messages_under_each_reading_then_a_cut() {
        let audio: [&'static [u8]; 4] = [b"abcde", b"fghij", b"klmno", b"pqrst"];
        for (reading, acks) in [
            (Reading::Exclusive, [(0, 2), (2, 7), (7, 12)]),
            (Reading::Inclusive, [(0, 1), (2, 6), (7, 11)]),
        ] {
            let mut buffer = buffer(1, &audio);
            for (first, end) in acks {
                buffer.acknowledge(first, end);
            }
            assert_eq!(buffer.reading, reading);
            assert_eq!(kept(&buffer), b"mnopqrst", "{reading:?}");
            let (messages, released) = resent(&mut buffer, 3);
            assert_eq!(messages, [&b"mno"[..], b"pqr", b"st"], "{reading:?}");
            assert_eq!(released, 0);
            // The next connection's first range proves nothing against the last one's.
            assert_eq!(buffer.last_end, None);
        }
    }

    /// A cut before anything proved the reading: the undecided byte is taken as received if it
    /// ended a message (Gladia acknowledges whole messages), else kept, as the SDKs read it.
    #[test]
    fn a_cut_before_any_proof_guesses_from_message_ends() {
        let mut before_an_end = buffer(1, &[b"abcd", b"efgh"]);
        before_an_end.acknowledge(0, 3);
        assert!(before_an_end.awaited()); // "efgh"
        assert_eq!(resent(&mut before_an_end, 100), (vec![b"efgh".to_vec()], 1));

        let mut at_an_end = buffer(1, &[b"abcd", b"efgh"]);
        at_an_end.acknowledge(0, 4);
        assert_eq!(resent(&mut at_an_end, 100), (vec![b"efgh".to_vec()], 0));

        let mut inside = buffer(1, &[b"abcd", b"efgh"]);
        inside.acknowledge(0, 2);
        let (messages, released) = resent(&mut inside, 100);
        assert_eq!(
            (messages, released),
            (vec![b"cd".to_vec(), b"efgh".to_vec()], 0)
        );
    }

    #[test]
    fn an_end_at_everything_sent_proves_exclusive_and_leaves_nothing_awaited() {
        let mut buffer = buffer(1, &[b"abcd", b"efgh"]);
        assert_eq!(buffer.acknowledge(0, 8), 8);
        assert_eq!(buffer.reading, Reading::Exclusive);
        assert!(!buffer.awaited());
        // Unproved, the one undecided byte is not awaited; the bytes after it are.
        let mut unproved = self::buffer(1, &[b"abcd", b"efgh"]);
        unproved.acknowledge(0, 7);
        assert_eq!(unproved.len(), 1);
        assert!(!unproved.awaited());
        unproved.push(Bytes::from_static(b"ij"));
        assert!(unproved.awaited());
    }

    #[test]
    fn messages_sent_again_are_cut_at_the_limit() {
        let mut buffer = buffer(1, &[b"abcdefgh", b"ij"]);
        assert_eq!(buffer.acknowledge(0, 2), 2);
        let (again, released) = resent(&mut buffer, 4);
        assert_eq!(again, [&b"cdef"[..], b"gh", b"ij"]);
        assert_eq!(released, 0);
        // On the new connection: an end inside the first message sent again, then a range one
        // past it.
        assert_eq!(buffer.acknowledge(2, 5), 3);
        assert_eq!(kept(&buffer), b"fghij");
        assert_eq!(buffer.acknowledge(6, 9), 5);
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
