//! A small, complete FLAC encoder for 16-bit stereo: fixed predictors (orders 0–4) chosen
//! per subframe, partitioned Rice coding with a per-partition parameter search, stereo
//! decorrelation chosen per frame, CRC-8/CRC-16, `STREAMINFO` with the PCM's MD5, and
//! `VORBIS_COMMENT` and `PICTURE` metadata.
//!
//! The analysis works on sums alone: one vectorisable pass per predictor order gathers the
//! folded residual sums of the finest partitions, from which the stereo mode, the order,
//! the partitioning and the Rice parameters are all chosen; only the chosen residuals are
//! computed again for writing.

use md5::{Digest, Md5};

use crate::{Rendered, SynthError};

const BLOCK: usize = 4096;
/// 64-sample partitions at the finest: finer ones rarely pay for their parameters.
const MAX_PARTITION_ORDER: u32 = 6;
const PARTITIONS: usize = 1 << MAX_PARTITION_ORDER;
const MAX_ORDER: usize = 4;
const VENDOR: &str = "shrimp-synth";

/// Metadata written into the FLAC file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    pub title: String,
    pub artist: String,
    pub album: String,
    pub genre: String,
    pub track_number: u32,
    /// Release date, e.g. `2024` or `2024-05-01`.
    pub date: String,
    /// A front cover as PNG bytes (see [`crate::cover_png`]).
    pub cover_png: Option<Vec<u8>>,
}

/// Encodes a render as a FLAC file.
pub fn encode_flac(audio: &Rendered, tags: &Tags) -> Result<Vec<u8>, SynthError> {
    if audio.sample_rate != 44_100 || audio.channels != 2 || !audio.samples.len().is_multiple_of(2)
    {
        return Err(SynthError::UnsupportedAudio);
    }
    let frames = audio.samples.len() / 2;
    let mut out = Vec::with_capacity(audio.samples.len() + 8192);
    out.extend_from_slice(b"fLaC");
    // STREAMINFO goes first; its frame sizes and MD5 are filled in once the audio is coded.
    let streaminfo_at = out.len() + 4;
    write_block(&mut out, 0, false, &[0; 34])?;
    let has_picture = tags.cover_png.is_some();
    write_block(&mut out, 4, !has_picture, &vorbis_comment(tags)?)?;
    if let Some(png) = &tags.cover_png {
        write_block(&mut out, 6, true, &picture(png)?)?;
    }

    let mut md5 = Md5::new();
    let mut pcm = Vec::with_capacity(BLOCK * 4);
    let mut encoder = FrameEncoder::default();
    let mut w = BitWriter {
        bytes: out,
        acc: 0,
        bits: 0,
    };
    let (mut min_frame, mut max_frame) = (u32::MAX, 0_u32);
    for (index, chunk) in audio.samples.chunks(BLOCK * 2).enumerate() {
        pcm.clear();
        pcm.extend(chunk.iter().flat_map(|s| s.to_le_bytes()));
        md5.update(&pcm);
        let before = w.bytes.len();
        encoder.encode(chunk, u64::try_from(index).unwrap_or(0), &mut w);
        let size = u32::try_from(w.bytes.len() - before).unwrap_or(u32::MAX);
        min_frame = min_frame.min(size);
        max_frame = max_frame.max(size);
    }
    if frames == 0 {
        min_frame = 0;
    }
    let mut out = w.bytes;

    let mut info = BitWriter::default();
    info.put(BLOCK as u64, 16);
    info.put(BLOCK as u64, 16);
    info.put(u64::from(min_frame), 24);
    info.put(u64::from(max_frame), 24);
    info.put(44_100, 20);
    info.put(1, 3);
    info.put(15, 5);
    info.put(frames as u64, 36);
    let mut streaminfo = info.finish();
    streaminfo.extend_from_slice(&md5.finalize());
    out[streaminfo_at..streaminfo_at + 34].copy_from_slice(&streaminfo);
    Ok(out)
}

fn write_block(out: &mut Vec<u8>, kind: u8, last: bool, body: &[u8]) -> Result<(), SynthError> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|&l| l < 1 << 24)
        .ok_or(SynthError::MetadataTooLarge("block"))?;
    out.push(kind | if last { 0x80 } else { 0 });
    out.extend_from_slice(&len.to_be_bytes()[1..]);
    out.extend_from_slice(body);
    Ok(())
}

fn vorbis_comment(tags: &Tags) -> Result<Vec<u8>, SynthError> {
    let mut fields = vec![
        format!("TITLE={}", tags.title),
        format!("ARTIST={}", tags.artist),
        format!("ALBUM={}", tags.album),
        format!("GENRE={}", tags.genre),
        format!("TRACKNUMBER={}", tags.track_number),
        format!("DATE={}", tags.date),
    ];
    fields.retain(|f| !f.ends_with('='));
    let mut out = Vec::new();
    let len = |s: &str| u32::try_from(s.len()).map_err(|_| SynthError::MetadataTooLarge("comment"));
    out.extend_from_slice(&len(VENDOR)?.to_le_bytes());
    out.extend_from_slice(VENDOR.as_bytes());
    out.extend_from_slice(&u32::try_from(fields.len()).unwrap_or(0).to_le_bytes());
    for field in &fields {
        out.extend_from_slice(&len(field)?.to_le_bytes());
        out.extend_from_slice(field.as_bytes());
    }
    Ok(out)
}

fn picture(png: &[u8]) -> Result<Vec<u8>, SynthError> {
    // Width and height from the PNG's IHDR chunk.
    let (width, height) = if png.len() >= 24 && &png[12..16] == b"IHDR" {
        (
            u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
            u32::from_be_bytes([png[20], png[21], png[22], png[23]]),
        )
    } else {
        (0, 0)
    };
    let mime = b"image/png";
    let description = b"Front cover";
    let mut out = Vec::with_capacity(png.len() + 64);
    out.extend_from_slice(&3_u32.to_be_bytes());
    out.extend_from_slice(&u32::try_from(mime.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(mime);
    out.extend_from_slice(&u32::try_from(description.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(description);
    out.extend_from_slice(&width.to_be_bytes());
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&24_u32.to_be_bytes());
    out.extend_from_slice(&0_u32.to_be_bytes());
    let len = u32::try_from(png.len()).map_err(|_| SynthError::MetadataTooLarge("picture"))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(png);
    Ok(out)
}

/// MSB-first bit writer.
#[derive(Debug, Default)]
struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    bits: u32,
}

impl BitWriter {
    /// Writes the low `n` bits of `value` (`n <= 64`).
    #[inline]
    fn put(&mut self, value: u64, n: u32) {
        if n > 32 {
            self.put(value >> 32, n - 32);
            self.put(value & 0xFFFF_FFFF, 32);
            return;
        }
        if n == 0 {
            return;
        }
        self.push(value & ((1 << n) - 1), n);
    }

    /// Writes `n` bits (`1 <= n <= 32`) of a value that fits them.
    #[inline]
    fn push(&mut self, value: u64, n: u32) {
        // At most 31 bits wait in the accumulator, so 32 more always fit.
        self.acc = (self.acc << n) | value;
        self.bits += n;
        if self.bits >= 32 {
            self.bits -= 32;
            self.bytes
                .extend_from_slice(&((self.acc >> self.bits) as u32).to_be_bytes());
        }
    }

    /// A Rice code: `u >> k` zeros, a one, then the low `k` bits.
    #[inline]
    fn rice(&mut self, u: u32, k: u32) {
        let q = u >> k;
        if q + 1 + k <= 32 {
            self.push(u64::from((u & ((1 << k) - 1)) | (1 << k)), q + 1 + k);
        } else {
            self.unary(q);
            self.put(u64::from(u), k);
        }
    }

    /// `zeros` zero bits then a one.
    fn unary(&mut self, mut zeros: u32) {
        while zeros >= 32 {
            self.put(0, 32);
            zeros -= 32;
        }
        self.put(1, zeros + 1);
    }

    fn signed(&mut self, value: i32, n: u32) {
        self.put(u64::from(value.cast_unsigned()), n);
    }

    fn align(&mut self) {
        if !self.bits.is_multiple_of(8) {
            self.put(0, 8 - self.bits % 8);
        }
        while self.bits >= 8 {
            self.bits -= 8;
            self.bytes.push((self.acc >> self.bits) as u8);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.align();
        self.bytes
    }
}

/// Which pair of signals a stereo frame stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stereo {
    Independent,
    LeftSide,
    SideRight,
    MidSide,
}

/// The cheapest way to code one channel of one block.
#[derive(Debug, Clone)]
struct Plan {
    bits: u64,
    kind: PlanKind,
}

#[derive(Debug, Clone)]
enum PlanKind {
    Constant,
    Verbatim,
    Fixed {
        order: usize,
        partition_order: u32,
        params: [u8; PARTITIONS],
    },
}

/// Folded residual sums of every fixed predictor order over the finest partitions of one
/// channel of one block.
#[derive(Debug, Clone)]
struct Analysis {
    sums: [[u64; PARTITIONS]; MAX_ORDER + 1],
    max_order: usize,
    finest: u32,
    constant: bool,
}

impl Default for Analysis {
    fn default() -> Self {
        Self {
            sums: [[0; PARTITIONS]; MAX_ORDER + 1],
            max_order: 0,
            finest: 0,
            constant: false,
        }
    }
}

#[derive(Debug, Default)]
struct FrameEncoder {
    /// Left, right, mid and side.
    channels: [Vec<i32>; 4],
    analyses: [Analysis; 4],
    /// Difference buffers for the analysis.
    diff: [Vec<i32>; 2],
    residual: Vec<u32>,
}

impl FrameEncoder {
    fn encode(&mut self, interleaved: &[i16], index: u64, w: &mut BitWriter) {
        let n = interleaved.len() / 2;
        for channel in &mut self.channels {
            channel.resize(n, 0);
        }
        let [left, right, mid, side] = &mut self.channels;
        for ((((pair, l), r), m), s) in interleaved
            .chunks_exact(2)
            .zip(left.iter_mut())
            .zip(right.iter_mut())
            .zip(mid.iter_mut())
            .zip(side.iter_mut())
        {
            let (a, b) = (i32::from(pair[0]), i32::from(pair[1]));
            *l = a;
            *r = b;
            *m = (a + b) >> 1;
            *s = a - b;
        }
        for (channel, analysis) in self.channels.iter().zip(&mut self.analyses) {
            analyse(channel, analysis, &mut self.diff);
        }
        // The stereo mode from quick single-partition estimates; the full partition search
        // only for the two channels that are written.
        let estimate = |c: usize| estimate_bits(&self.analyses[c], n, bps(c));
        let estimates = [estimate(0), estimate(1), estimate(2), estimate(3)];
        let options = [
            (Stereo::Independent, 0, 1),
            (Stereo::LeftSide, 0, 3),
            (Stereo::SideRight, 3, 1),
            (Stereo::MidSide, 2, 3),
        ];
        let &(mode, a, b) = options
            .iter()
            .min_by_key(|(_, a, b)| estimates[*a] + estimates[*b])
            .unwrap_or(&options[0]);

        let start = w.bytes.len();
        w.put(0xFFF8, 16);
        let block_code = if n == BLOCK { 12 } else { 7 };
        w.put(block_code, 4);
        w.put(9, 4); // 44.1 kHz
        let assignment = match mode {
            Stereo::Independent => 1,
            Stereo::LeftSide => 8,
            Stereo::SideRight => 9,
            Stereo::MidSide => 10,
        };
        w.put(assignment, 4);
        w.put(4, 3); // 16 bits per sample
        w.put(0, 1);
        for byte in utf8_number(index) {
            w.put(u64::from(byte), 8);
        }
        if block_code == 7 {
            w.put((n - 1) as u64, 16);
        }
        w.align();
        let crc = crc8(&w.bytes[start..]);
        w.put(u64::from(crc), 8);
        for c in [a, b] {
            let plan = plan_from(&self.analyses[c], &self.channels[c], bps(c));
            write_subframe(w, &self.channels[c], bps(c), &plan, &mut self.residual);
        }
        w.align();
        let crc = crc16(&w.bytes[start..]);
        w.put(u64::from(crc), 16);
        w.align();
    }
}

/// Bits per sample of a channel: the side channel needs one more.
fn bps(channel: usize) -> u32 {
    if channel == 3 { 17 } else { 16 }
}

/// Frame numbers are coded like UTF-8 code points.
fn utf8_number(value: u64) -> Vec<u8> {
    if value < 0x80 {
        return vec![value as u8];
    }
    let mut bytes = Vec::new();
    let mut v = value;
    let mut limit = 0x3F;
    while v > limit {
        bytes.push(0x80 | (v & 0x3F) as u8);
        v >>= 6;
        limit >>= 1;
    }
    let count = bytes.len() + 1;
    let lead = (0xFF_u16 << (8 - count)) as u8 | v as u8;
    bytes.push(lead);
    bytes.reverse();
    bytes
}

/// Zigzag fold: small magnitudes of either sign become small unsigned numbers.
#[inline]
fn fold(e: i32) -> u32 {
    ((e << 1) ^ (e >> 31)).cast_unsigned()
}

/// Sum of folded values; partial sums stay in `u32` (256 values of at most 2^23).
fn fold_sum(e: &[i32]) -> u64 {
    e.chunks(256)
        .map(|c| u64::from(c.iter().map(|&v| fold(v)).sum::<u32>()))
        .sum()
}

/// Fills `analysis` for one channel: residual sums of each fixed order per finest
/// partition, from repeated differences (order k's residual is the k-th difference).
fn analyse(x: &[i32], analysis: &mut Analysis, diff: &mut [Vec<i32>; 2]) {
    let n = x.len();
    analysis.constant = x.iter().all(|&s| s == x[0]);
    analysis.max_order = MAX_ORDER.min(n.saturating_sub(1));
    if analysis.constant || n == 0 {
        return;
    }
    let max_order = analysis.max_order;
    let mut finest = 0;
    while finest < MAX_PARTITION_ORDER
        && n.is_multiple_of(1 << (finest + 1))
        && (n >> (finest + 1)) > max_order
    {
        finest += 1;
    }
    analysis.finest = finest;
    let size = n >> finest;
    let parts = 1 << finest;
    let [even, odd] = diff;
    for order in 0..=max_order {
        let e: &[i32] = if order == 0 {
            x
        } else {
            let (previous, next): (&[i32], &mut Vec<i32>) = match order {
                1 => (x, odd),
                _ if order % 2 == 0 => (odd, even),
                _ => (even, odd),
            };
            next.clear();
            next.extend(previous[1..].iter().zip(previous).map(|(a, b)| a - b));
            next
        };
        // e[j] is the residual of sample j + order; the first `order` samples are warm-up.
        for (p, sum) in analysis.sums[order][..parts].iter_mut().enumerate() {
            let lo = (p * size).max(order) - order;
            *sum = fold_sum(&e[lo..(p + 1) * size - order]);
        }
    }
}

/// A quick estimate of a channel's coded size: the best order with one partition.
fn estimate_bits(analysis: &Analysis, n: usize, bps: u32) -> u64 {
    if analysis.constant {
        return 8 + u64::from(bps);
    }
    let parts = 1 << analysis.finest;
    let verbatim = 8 + u64::from(bps) * n as u64;
    (0..=analysis.max_order)
        .map(|order| {
            let sum = analysis.sums[order][..parts].iter().sum();
            let (_, bits) = best_parameter(sum, (n - order) as u64);
            8 + u64::from(bps) * order as u64 + 6 + 4 + bits
        })
        .fold(verbatim, u64::min)
}

/// The cheapest coding of a channel: every order, every partition order.
fn plan_from(analysis: &Analysis, samples: &[i32], bps: u32) -> Plan {
    let n = samples.len();
    if analysis.constant {
        return Plan {
            bits: 8 + u64::from(bps),
            kind: PlanKind::Constant,
        };
    }
    let mut best = Plan {
        bits: 8 + u64::from(bps) * n as u64,
        kind: PlanKind::Verbatim,
    };
    let parts = 1 << analysis.finest;
    for (order, sums) in analysis
        .sums
        .iter()
        .enumerate()
        .take(analysis.max_order + 1)
    {
        let (bits, partition_order, params) = rice_plan(&sums[..parts], order, n, analysis.finest);
        let total = 8 + u64::from(bps) * order as u64 + bits;
        if total < best.bits {
            best = Plan {
                bits: total,
                kind: PlanKind::Fixed {
                    order,
                    partition_order,
                    params,
                },
            };
        }
    }
    best
}

#[cfg(test)]
fn plan(samples: &[i32], bps: u32) -> Plan {
    let mut analysis = Analysis::default();
    analyse(samples, &mut analysis, &mut [Vec::new(), Vec::new()]);
    plan_from(&analysis, samples, bps)
}

/// Zigzag-folded residual of the fixed predictor of an order (the first `order` samples
/// are warm-up and not included).
fn fixed_residual(x: &[i32], order: usize, out: &mut Vec<u32>) {
    out.clear();
    match order {
        0 => out.extend(x.iter().map(|&s| fold(s))),
        1 => out.extend(x.windows(2).map(|w| fold(w[1] - w[0]))),
        2 => out.extend(x.windows(3).map(|w| fold(w[2] - 2 * w[1] + w[0]))),
        3 => out.extend(
            x.windows(4)
                .map(|w| fold(w[3] - 3 * w[2] + 3 * w[1] - w[0])),
        ),
        _ => out.extend(
            x.windows(5)
                .map(|w| fold(w[4] - 4 * w[3] + 6 * w[2] - 4 * w[1] + w[0])),
        ),
    }
}

/// Finds the partition order and Rice parameters with the fewest (estimated) bits, from
/// residual sums of the finest partitions, merging pairs for coarser orders.
fn rice_plan(
    finest_sums: &[u64],
    order: usize,
    n: usize,
    finest: u32,
) -> (u64, u32, [u8; PARTITIONS]) {
    let mut sums = [0_u64; PARTITIONS];
    let mut counts = [0_u64; PARTITIONS];
    let parts = finest_sums.len();
    sums[..parts].copy_from_slice(finest_sums);
    let size = (n >> finest) as u64;
    counts[..parts].fill(size);
    counts[0] -= order as u64;
    let mut best = (u64::MAX, 0, [0_u8; PARTITIONS]);
    let mut level_order = finest;
    let mut len = parts;
    loop {
        let mut bits = 6;
        let mut params = [0_u8; PARTITIONS];
        for ((&sum, &count), param) in sums[..len].iter().zip(&counts[..len]).zip(&mut params) {
            let (k, cost) = best_parameter(sum, count);
            bits += 4 + cost;
            *param = k as u8;
        }
        if bits < best.0 {
            best = (bits, level_order, params);
        }
        if level_order == 0 {
            break;
        }
        len /= 2;
        for i in 0..len {
            sums[i] = sums[2 * i] + sums[2 * i + 1];
            counts[i] = counts[2 * i] + counts[2 * i + 1];
        }
        level_order -= 1;
    }
    best
}

/// The Rice parameter minimising the estimated cost `count·(k+1) + sum >> k`, searched
/// around log2 of the mean (found from bit lengths, without a division).
fn best_parameter(sum: u64, count: u64) -> (u32, u64) {
    if count == 0 {
        return (0, 0);
    }
    let guess = if sum == 0 {
        0
    } else {
        sum.ilog2().saturating_sub(count.ilog2())
    };
    let mut best = (0, u64::MAX);
    for k in guess.saturating_sub(2)..=(guess + 1).min(14) {
        let cost = count * u64::from(k + 1) + (sum >> k);
        if cost < best.1 {
            best = (k, cost);
        }
    }
    best
}

fn write_subframe(
    w: &mut BitWriter,
    samples: &[i32],
    bps: u32,
    plan: &Plan,
    residual: &mut Vec<u32>,
) {
    match &plan.kind {
        PlanKind::Constant => {
            w.put(0, 8);
            w.signed(samples[0], bps);
        }
        PlanKind::Verbatim => {
            w.put(0b0000_0010, 8);
            for &s in samples {
                w.signed(s, bps);
            }
        }
        PlanKind::Fixed {
            order,
            partition_order,
            params,
        } => {
            w.put(0b0001_0000 | ((*order as u64) << 1), 8);
            for &s in &samples[..*order] {
                w.signed(s, bps);
            }
            fixed_residual(samples, *order, residual);
            w.put(0, 2);
            w.put(u64::from(*partition_order), 4);
            let size = samples.len() >> partition_order;
            let mut start = 0;
            for (p, &k) in params.iter().take(1 << partition_order).enumerate() {
                let len = if p == 0 { size - order } else { size };
                let k = u32::from(k);
                w.put(u64::from(k), 4);
                for &u in &residual[start..start + len] {
                    w.rice(u, k);
                }
                start += len;
            }
        }
    }
}

fn crc8(data: &[u8]) -> u8 {
    let mut crc = 0_u8;
    for &byte in data {
        crc ^= byte;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// CRC-16/UMTS tables for slicing by eight: `TABLES[j][b]` is the CRC of byte `b`
/// followed by `j` zero bytes.
fn crc16_tables() -> &'static [[u16; 256]; 8] {
    static TABLES: std::sync::OnceLock<[[u16; 256]; 8]> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut tables = [[0_u16; 256]; 8];
        for (i, slot) in tables[0].iter_mut().enumerate() {
            let mut crc = (i as u16) << 8;
            for _ in 0..8 {
                crc = if crc & 0x8000 != 0 {
                    (crc << 1) ^ 0x8005
                } else {
                    crc << 1
                };
            }
            *slot = crc;
        }
        for j in 1..8 {
            for i in 0..256 {
                let previous = tables[j - 1][i];
                tables[j][i] = (previous << 8) ^ tables[0][usize::from(previous >> 8)];
            }
        }
        tables
    })
}

fn crc16(data: &[u8]) -> u16 {
    let t = crc16_tables();
    let mut crc = 0_u16;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let [hi, lo] = crc.to_be_bytes();
        crc = t[7][usize::from(c[0] ^ hi)]
            ^ t[6][usize::from(c[1] ^ lo)]
            ^ t[5][usize::from(c[2])]
            ^ t[4][usize::from(c[3])]
            ^ t[3][usize::from(c[4])]
            ^ t[2][usize::from(c[5])]
            ^ t[1][usize::from(c[6])]
            ^ t[0][usize::from(c[7])];
    }
    for &byte in chunks.remainder() {
        crc = (crc << 8) ^ t[0][usize::from((crc >> 8) as u8 ^ byte)];
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crcs_match_reference_values() {
        // CRC-8/SMBUS and CRC-16/UMTS (FLAC's polynomials, zero init) of "123456789".
        assert_eq!(crc8(b"123456789"), 0xF4);
        assert_eq!(crc16(b"123456789"), 0xFEE8);
        assert_eq!(crc16(b"12345678"), crc16_bytewise(b"12345678"));
        let long: Vec<u8> = (0..1000_u32).map(|i| (i * 7919 % 251) as u8).collect();
        for len in [0, 1, 7, 8, 9, 63, 1000] {
            assert_eq!(crc16(&long[..len]), crc16_bytewise(&long[..len]), "{len}");
        }
    }

    fn crc16_bytewise(data: &[u8]) -> u16 {
        let table = &crc16_tables()[0];
        data.iter().fold(0, |crc, &byte| {
            (crc << 8) ^ table[usize::from((crc >> 8) as u8 ^ byte)]
        })
    }

    #[test]
    fn utf8_frame_numbers() {
        assert_eq!(utf8_number(0), vec![0]);
        assert_eq!(utf8_number(0x7F), vec![0x7F]);
        assert_eq!(utf8_number(0x80), vec![0xC2, 0x80]);
        assert_eq!(utf8_number(0x800), vec![0xE0, 0xA0, 0x80]);
    }

    #[test]
    fn fixed_predictor_order_two_kills_a_ramp() {
        let ramp: Vec<i32> = (0..100).map(|i| i * 7 - 300).collect();
        let mut residual = Vec::new();
        fixed_residual(&ramp, 2, &mut residual);
        assert!(residual.iter().all(|&r| r == 0));
        assert_eq!(plan(&ramp, 16).kind_order(), Some(2));
    }

    #[test]
    fn analysis_sums_match_the_residuals() {
        let x: Vec<i32> = (0..4096_i32)
            .map(|i| (i * 7919 % 1013) - 500 + (i % 37) * 11)
            .collect();
        let mut analysis = Analysis::default();
        analyse(&x, &mut analysis, &mut [Vec::new(), Vec::new()]);
        let mut residual = Vec::new();
        for order in 0..=MAX_ORDER {
            fixed_residual(&x, order, &mut residual);
            let total: u64 = residual.iter().map(|&u| u64::from(u)).sum();
            assert_eq!(
                analysis.sums[order].iter().sum::<u64>(),
                total,
                "order {order}"
            );
        }
    }

    impl Plan {
        fn kind_order(&self) -> Option<usize> {
            match self.kind {
                PlanKind::Fixed { order, .. } => Some(order),
                _ => None,
            }
        }
    }
}
