//! Generative cover art: one visual language per genre, varied by seed, never any text.
#![allow(clippy::unreadable_literal)] // colours read like CSS hex codes

use crate::rng::{Rng, hash01};
use crate::{Genre, SynthError, math};

type Rgb = [f32; 3];

/// A float RGB canvas in 0..1.
struct Canvas {
    size: usize,
    px: Vec<Rgb>,
}

fn hex(value: u32) -> Rgb {
    [
        ((value >> 16) & 0xFF) as f32 / 255.0,
        ((value >> 8) & 0xFF) as f32 / 255.0,
        (value & 0xFF) as f32 / 255.0,
    ]
}

fn lerp(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn smooth(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Smooth value noise in 0..1 at a point, `octaves` of fBm.
fn noise(x: f32, y: f32, seed: u32, octaves: u32) -> f32 {
    let mut sum = 0.0;
    let mut amp = 0.5;
    let mut freq = 1.0;
    let mut norm = 0.0;
    for o in 0..octaves {
        let (fx, fy) = (x * freq, y * freq);
        let (ix, iy) = (fx.floor() as i32, fy.floor() as i32);
        let (tx, ty) = (fx - ix as f32, fy - iy as f32);
        let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
        let s = seed.wrapping_add(o * 7919);
        let a = hash01(ix, iy, s);
        let b = hash01(ix + 1, iy, s);
        let c = hash01(ix, iy + 1, s);
        let d = hash01(ix + 1, iy + 1, s);
        let top = a + (b - a) * sx;
        let bottom = c + (d - c) * sx;
        sum += (top + (bottom - top) * sy) * amp;
        norm += amp;
        amp *= 0.5;
        freq *= 2.0;
    }
    sum / norm
}

impl Canvas {
    fn new(size: usize, color: Rgb) -> Self {
        Self {
            size,
            px: vec![color; size * size],
        }
    }

    /// Calls `f(u, v, pixel)` for every pixel with u, v in 0..1.
    fn shade(&mut self, mut f: impl FnMut(f32, f32, &mut Rgb)) {
        let inv = 1.0 / self.size as f32;
        for y in 0..self.size {
            let v = (y as f32 + 0.5) * inv;
            for x in 0..self.size {
                let u = (x as f32 + 0.5) * inv;
                f(u, v, &mut self.px[y * self.size + x]);
            }
        }
    }

    /// An anti-aliased disc.
    fn disc(&mut self, cx: f32, cy: f32, r: f32, color: Rgb, alpha: f32) {
        let aa = 1.5 / self.size as f32;
        let (lo_y, hi_y) = (self.index(cy - r - aa), self.index(cy + r + aa));
        let (lo_x, hi_x) = (self.index(cx - r - aa), self.index(cx + r + aa));
        let inv = 1.0 / self.size as f32;
        for y in lo_y..hi_y {
            for x in lo_x..hi_x {
                let (u, v) = ((x as f32 + 0.5) * inv, (y as f32 + 0.5) * inv);
                let d = ((u - cx) * (u - cx) + (v - cy) * (v - cy)).sqrt();
                let cover = 1.0 - smooth(r - aa, r + aa, d);
                if cover > 0.0 {
                    let p = &mut self.px[y * self.size + x];
                    *p = lerp(*p, color, cover * alpha);
                }
            }
        }
    }

    /// An axis-aligned rectangle.
    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: Rgb, alpha: f32) {
        for y in self.index(y0)..self.index(y1) {
            for x in self.index(x0)..self.index(x1) {
                let p = &mut self.px[y * self.size + x];
                *p = lerp(*p, color, alpha);
            }
        }
    }

    fn index(&self, t: f32) -> usize {
        ((t * self.size as f32).max(0.0) as usize).min(self.size)
    }

    /// Film grain, so flat areas feel printed rather than digital.
    fn grain(&mut self, amount: f32, seed: u32) {
        let size = self.size;
        for (i, p) in self.px.iter_mut().enumerate() {
            let n = (hash01((i % size) as i32, (i / size) as i32, seed) - 0.5) * amount;
            for c in p.iter_mut() {
                *c += n;
            }
        }
    }

    fn to_png(&self) -> Result<Vec<u8>, SynthError> {
        let mut data = Vec::with_capacity(self.px.len() * 3);
        for p in &self.px {
            for c in p {
                data.push((c.clamp(0.0, 1.0) * 255.0 + 0.5) as u8);
            }
        }
        let mut out = Vec::new();
        let side = u32::try_from(self.size).map_err(|_| SynthError::SizeOutOfRange(0))?;
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder
            .write_header()
            .map_err(|e| SynthError::Png(e.to_string()))?;
        writer
            .write_image_data(&data)
            .map_err(|e| SynthError::Png(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| SynthError::Png(e.to_string()))?;
        Ok(out)
    }
}

/// Draws a square cover of `size_px` (16..=4096) for a track or album.
pub fn cover_png(seed: u64, genre: Genre, size_px: u32) -> Result<Vec<u8>, SynthError> {
    if !(16..=4096).contains(&size_px) {
        return Err(SynthError::SizeOutOfRange(size_px));
    }
    let mut rng = Rng::new(seed ^ 0xC0DE ^ ((genre as u64) << 32));
    let s = (rng.next_u64() >> 32) as u32;
    let size = size_px as usize;
    let canvas = match genre {
        Genre::Guqin => ink_wash(size, &mut rng, s),
        Genre::Electronic => neon(size, &mut rng, s),
        Genre::Rock => poster(size, &mut rng, s),
        Genre::Ambient => haze(size, &mut rng, s),
        Genre::Folk => hills(size, &mut rng, s),
        Genre::LoFi => room(size, &mut rng, s),
        Genre::Piano => keys(size, &mut rng, s),
    };
    canvas.to_png()
}

/// Rice paper, layered ink mountains fading into mist, a pale moon and a red seal.
fn ink_wash(size: usize, rng: &mut Rng, s: u32) -> Canvas {
    let paper = lerp(hex(0xEFE6D2), hex(0xE8DCC0), rng.unit());
    let mut c = Canvas::new(size, paper);
    c.shade(|u, v, p| {
        let fibre =
            noise(u * 40.0, v * 6.0, s, 1) * 0.05 + noise(u * 5.0, v * 5.0, s + 1, 2) * 0.06;
        *p = lerp(*p, hex(0xD6C8A8), fibre + v * 0.1);
    });
    let moon_x = rng.range(0.2, 0.8);
    c.disc(
        moon_x,
        rng.range(0.14, 0.3),
        rng.range(0.06, 0.11),
        hex(0xF7F1E3),
        0.9,
    );
    let layers = 4;
    let ink = hex(0x1C1C22);
    for layer in 0..layers {
        let depth = layer as f32 / (layers - 1) as f32; // 0 far … 1 near
        let base = 0.42 + depth * 0.22 + rng.range(-0.03, 0.03);
        let height = 0.16 + 0.14 * (1.0 - depth);
        let freq = 2.0 + depth * 2.5;
        let ls = s.wrapping_add(layer * 101);
        let tone = 0.25 + 0.7 * depth;
        let ridges: Vec<f32> = (0..size)
            .map(|x| {
                base - height
                    * (noise((x as f32 + 0.5) / size as f32 * freq, 0.5, ls, 4) - 0.35)
                    * 2.0
            })
            .collect();
        c.shade(|u, v, p| {
            let ridge = ridges[((u * size as f32) as usize).min(size - 1)];
            if v > ridge {
                // Dark at the ridge, washing out downwards into mist.
                let fall = ((v - ridge) / (0.12 + 0.1 * depth)).min(1.0);
                let texture = noise(u * 30.0, v * 8.0, ls + 7, 1);
                let strength = tone * (1.0 - fall * 0.85) * (0.75 + 0.35 * texture);
                let edge = smooth(0.0, 0.004, v - ridge);
                *p = lerp(*p, ink, (strength * edge).min(0.95));
            }
        });
    }
    // A seal: red square with carved, uneven strokes.
    let seal = size as f32 * 0.0 + rng.range(0.07, 0.1);
    let (sx, sy) = (rng.range(0.72, 0.86), rng.range(0.74, 0.86));
    let red = hex(0xB0262A);
    let cuts = s;
    c.shade(|u, v, p| {
        if u > sx && u < sx + seal && v > sy && v < sy + seal {
            let (lu, lv) = ((u - sx) / seal, (v - sy) / seal);
            let border = !(0.1..=0.9).contains(&lu) || !(0.1..=0.9).contains(&lv);
            let cell = ((lu * 4.0) as i32, (lv * 4.0) as i32);
            let stroke = hash01(cell.0, cell.1, cuts) > 0.45 && (lu * 8.0).fract() > 0.3;
            let wear = noise(u * 120.0, v * 120.0, cuts, 1) > 0.28;
            if (border || stroke) && wear {
                *p = lerp(*p, red, 0.92);
            }
        }
    });
    c.grain(0.03, s);
    c
}

/// Synthwave: a gradient sky, a striped sun, stars and a neon perspective grid.
fn neon(size: usize, rng: &mut Rng, s: u32) -> Canvas {
    let palettes = [
        (0x0B0221, 0x4A0F6B, 0xFF3E9D, 0xFFD23F, 0x22E1FF),
        (0x050A1F, 0x1B2A6B, 0xFF6B3D, 0xFFE66D, 0xFF2FD0),
        (0x02010A, 0x2D0B4F, 0x00F0B5, 0xF6F740, 0x7B5CFF),
    ];
    let (top, mid, sun_a, sun_b, grid) = palettes[rng.below(palettes.len())];
    let horizon = rng.range(0.55, 0.65);
    let mut c = Canvas::new(size, hex(top));
    c.shade(|u, v, p| {
        if v < horizon {
            *p = lerp(hex(top), hex(mid), (v / horizon).powi(2));
            if hash01((u * 900.0) as i32, (v * 900.0) as i32, s) > 0.9985 {
                *p = [1.0, 1.0, 1.0];
            }
        } else {
            *p = lerp(hex(mid), hex(top), ((v - horizon) / (1.0 - horizon)).sqrt());
        }
    });
    let (cx, r) = (0.5 + rng.range(-0.12, 0.12), rng.range(0.2, 0.27));
    let cy = horizon - r * 0.35;
    let (sun_a, sun_b, grid) = (hex(sun_a), hex(sun_b), hex(grid));
    c.shade(|u, v, p| {
        let d = ((u - cx) * (u - cx) + (v - cy) * (v - cy)).sqrt();
        // Glow around the sun.
        let glow = (1.0 - (d - r).max(0.0) / 0.25).max(0.0);
        *p = lerp(*p, sun_a, glow * glow * 0.35);
        if d < r && v < horizon {
            let t = (v - (cy - r)) / (2.0 * r);
            // Horizontal cuts widening towards the bottom.
            let band = ((v - cy) * 38.0).fract();
            let cut = t > 0.45 && band < (t - 0.45) * 1.2;
            if !cut {
                let edge = 1.0 - smooth(r - 0.003, r, d);
                *p = lerp(*p, lerp(sun_b, sun_a, t), edge);
            }
        }
        if v > horizon {
            let depth = (v - horizon) / (1.0 - horizon);
            let z = 1.0 / (depth + 0.04);
            let x = (u - 0.5) * z;
            let fx = (x * 1.2).rem_euclid(1.0);
            let fz = (z * 0.9).rem_euclid(1.0);
            let line_x = fx.min(1.0 - fx) / (z * 0.012);
            let line_z = fz.min(1.0 - fz) / (z * 0.02);
            let line = (1.0 - line_x.min(1.0)).max(1.0 - line_z.min(1.0));
            *p = lerp(*p, grid, line * (0.4 + 0.6 * depth));
        }
    });
    c.grain(0.025, s);
    c
}

/// A Swiss-poster composition: bold circles, bars and triangles in three inks.
fn poster(size: usize, rng: &mut Rng, s: u32) -> Canvas {
    let palettes = [
        (0xF2EBDD, 0xE63B2E, 0x111111, 0x2B59C3),
        (0x111111, 0xF2C12E, 0xF2EBDD, 0xE63B2E),
        (0xE63B2E, 0x111111, 0xF2EBDD, 0xF2C12E),
        (0x1D3557, 0xF1FAEE, 0xE63946, 0xA8DADC),
    ];
    let (bg, a, b, d) = palettes[rng.below(palettes.len())];
    let (bg, a, b, d) = (hex(bg), hex(a), hex(b), hex(d));
    let mut c = Canvas::new(size, bg);
    // A big circle, cropped.
    c.disc(
        rng.range(0.3, 0.7),
        rng.range(0.3, 0.6),
        rng.range(0.28, 0.4),
        a,
        1.0,
    );
    // Diagonal bars.
    let angle = rng.range(-0.6, 0.6);
    let width = rng.range(0.05, 0.1);
    let offset = rng.range(0.0, 0.3);
    let (sa, ca) = (
        math::sin(f64::from(angle)) as f32,
        math::cos(f64::from(angle)) as f32,
    );
    c.shade(|u, v, p| {
        let t = u * ca + v * sa + offset;
        let band = (t / (width * 3.0)).fract();
        if band < 0.33 && v > 0.55 {
            *p = b;
        }
    });
    // A triangle.
    let (tx, ty, ts) = (
        rng.range(0.1, 0.6),
        rng.range(0.1, 0.5),
        rng.range(0.2, 0.35),
    );
    c.shade(|u, v, p| {
        let (lx, ly) = ((u - tx) / ts, (v - ty) / ts);
        if ly > 0.0 && ly < 1.0 && (lx - 0.5).abs() < ly * 0.5 {
            *p = lerp(*p, d, 0.95);
        }
    });
    // Halftone dots over the lower band.
    let dots = 40.0;
    c.shade(|u, v, p| {
        let (gx, gy) = ((u * dots).fract() - 0.5, (v * dots).fract() - 0.5);
        let r = 0.45 * (1.0 - v) * 0.9;
        if v < 0.35 && gx * gx + gy * gy < r * r {
            *p = lerp(*p, b, 0.8);
        }
    });
    c.grain(0.05, s);
    c
}

/// Soft colour fields drifting into each other, like light through fog.
fn haze(size: usize, rng: &mut Rng, s: u32) -> Canvas {
    let palettes = [
        [0x0F2027, 0x2C5364, 0x8EC5FC, 0xE0C3FC],
        [0x1A1A2E, 0x6A4C93, 0xF7B2BD, 0xFCE1E4],
        [0x0B1D26, 0x3A7D7C, 0xC6E5D9, 0xF4E3B1],
        [0x20124D, 0x5B3F8C, 0xFF9A8B, 0xFFD3A5],
    ];
    let palette = palettes[rng.below(palettes.len())].map(hex);
    let mut c = Canvas::new(size, palette[0]);
    let blobs: Vec<(f32, f32, f32, Rgb)> = (0..5)
        .map(|i| {
            (
                rng.range(0.0, 1.0),
                rng.range(0.0, 1.0),
                rng.range(0.25, 0.55),
                palette[1 + i % 3],
            )
        })
        .collect();
    c.shade(|u, v, p| {
        let warp = noise(u * 2.5, v * 2.5, s, 3) - 0.5;
        let (wu, wv) = (u + warp * 0.25, v + warp * 0.25);
        let mut color = lerp(palette[0], palette[1], wv);
        for &(bx, by, r, tint) in &blobs {
            let d2 = ((wu - bx) * (wu - bx) + (wv - by) * (wv - by)) / (r * r);
            let w = (1.0 - d2).max(0.0);
            color = lerp(color, tint, w * w * 0.8);
        }
        *p = color;
    });
    c.grain(0.04, s);
    c
}

/// Warm paper, rolling hills in stripes, a big sun and a few birds.
fn hills(size: usize, rng: &mut Rng, s: u32) -> Canvas {
    let palettes = [
        [0xF3E9D2, 0xE9A03B, 0xC8553D, 0x588B8B, 0x2F4858],
        [0xF4EBD9, 0xF2B880, 0xC98474, 0x8A7E72, 0x3D405B],
        [0xFAF3DD, 0xF6BD60, 0x84A59D, 0x52796F, 0x354F52],
    ];
    let palette = palettes[rng.below(palettes.len())].map(hex);
    let mut c = Canvas::new(size, palette[0]);
    c.shade(|_, v, p| *p = lerp(palette[0], palette[1], (v * 0.5).powi(2)));
    c.disc(
        rng.range(0.25, 0.75),
        rng.range(0.25, 0.4),
        rng.range(0.12, 0.18),
        palette[1],
        0.95,
    );
    for layer in 0..4_u32 {
        let base = 0.5 + layer as f32 * 0.12 + rng.range(-0.02, 0.02);
        let amp = rng.range(0.04, 0.09);
        let phase = rng.range(0.0, 6.0);
        let freq = rng.range(4.0, 8.0);
        let color = palette[(1 + layer as usize).min(4)];
        let stripes = rng.chance(0.5);
        // The ridge depends only on the column, so it is computed once per column (with
        // the same `u` that `shade` passes).
        let inv = 1.0 / size as f32;
        let ridges: Vec<f32> = (0..size)
            .map(|x| {
                let u = (x as f32 + 0.5) * inv;
                base - amp * (math::sin(f64::from(u * freq + phase)) as f32)
                    - (noise(u * 6.0, 0.3, s + layer, 2) - 0.5) * 0.04
            })
            .collect();
        c.shade(|u, v, p| {
            let ridge = ridges[((u * size as f32) as usize).min(size - 1)];
            if v > ridge {
                let mut col = color;
                if stripes && ((v - ridge) * 90.0 + u * 3.0).fract() < 0.18 {
                    col = lerp(col, palette[0], 0.25);
                }
                *p = lerp(*p, col, smooth(0.0, 0.003, v - ridge));
            }
        });
    }
    // Birds: two little arcs each.
    for _ in 0..rng.below(4) + 2 {
        let (bx, by, bs) = (
            rng.range(0.15, 0.85),
            rng.range(0.1, 0.3),
            rng.range(0.012, 0.022),
        );
        c.shade(|u, v, p| {
            let dx = (u - bx).abs();
            if dx < bs * 2.0 {
                let arc =
                    by - (dx - bs).abs() * 0.0 + ((dx - bs) * (dx - bs)) / bs * 0.8 - bs * 0.8;
                if (v - arc).abs() < 0.0025 {
                    *p = palette[4];
                }
            }
        });
    }
    c.grain(0.05, s);
    c
}

/// A pastel bedroom at night: a window with a moon, a desk, a lamp's glow and a plant.
fn room(size: usize, rng: &mut Rng, s: u32) -> Canvas {
    let palettes = [
        [0xE8C5C1, 0x9D8AA8, 0x4D4665, 0xF5D7A1, 0x7FA99B],
        [0xC9D6DF, 0x8E9AAF, 0x4A4E69, 0xFFD6A5, 0x9CBF9C],
        [0xF1D1B5, 0xC18C8D, 0x574B60, 0xFFE8B0, 0x88A68A],
    ];
    let [wall, shade, night, lamp, plant] = palettes[rng.below(palettes.len())].map(hex);
    let mut c = Canvas::new(size, wall);
    let (wx0, wy0) = (rng.range(0.12, 0.3), rng.range(0.1, 0.18));
    let (wx1, wy1) = (wx0 + rng.range(0.35, 0.45), wy0 + rng.range(0.32, 0.4));
    c.shade(|u, v, p| {
        *p = lerp(wall, shade, v * 0.5);
        if u > wx0 && u < wx1 && v > wy0 && v < wy1 {
            *p = lerp(night, lerp(night, shade, 0.6), (v - wy0) / (wy1 - wy0));
            if hash01((u * 600.0) as i32, (v * 600.0) as i32, s) > 0.997 {
                *p = lamp;
            }
        }
    });
    c.disc(wx1 - 0.09, wy0 + 0.09, 0.045, lamp, 0.95);
    // Window frame cross.
    let frame = lerp(wall, [1.0, 1.0, 1.0], 0.4);
    let mid_x = (wx0 + wx1) * 0.5;
    c.rect(mid_x - 0.006, wy0, mid_x + 0.006, wy1, frame, 1.0);
    c.rect(wx0 - 0.01, wy1, wx1 + 0.01, wy1 + 0.015, frame, 1.0);
    // Desk and lamp glow.
    let desk = rng.range(0.7, 0.76);
    c.rect(0.0, desk, 1.0, desk + 0.03, night, 0.85);
    c.rect(0.0, desk + 0.03, 1.0, 1.0, lerp(night, shade, 0.35), 1.0);
    let lx = rng.range(0.65, 0.85);
    c.shade(|u, v, p| {
        let d = ((u - lx) * (u - lx) + (v - desk + 0.12) * (v - desk + 0.12)).sqrt();
        let glow = (1.0 - d / 0.35).max(0.0);
        *p = lerp(*p, lamp, glow * glow * 0.55);
    });
    c.rect(lx - 0.004, desk - 0.12, lx + 0.004, desk, night, 1.0);
    c.shade(|u, v, p| {
        let (lu, lv) = (u - lx, v - (desk - 0.16));
        if lv > 0.0 && lv < 0.05 && lu.abs() < 0.02 + lv * 0.8 {
            *p = lerp(lamp, wall, 0.2);
        }
    });
    // A potted plant: pot plus leaf discs.
    let px = rng.range(0.12, 0.3);
    c.rect(px - 0.04, desk - 0.07, px + 0.04, desk, shade, 1.0);
    for i in 0..7 {
        let a = f64::from(i) * 0.9 + f64::from(rng.unit());
        let (dx, dy) = (
            math::cos(a) as f32 * 0.05,
            -(math::sin(a) as f32).abs() * 0.07,
        );
        c.disc(
            px + dx,
            desk - 0.1 + dy,
            0.03,
            lerp(plant, night, 0.15 * (i % 3) as f32),
            0.95,
        );
    }
    c.grain(0.035, s);
    c
}

/// Ivory and black: a tilted run of piano keys under a large, quiet circle.
fn keys(size: usize, rng: &mut Rng, s: u32) -> Canvas {
    let dark = rng.chance(0.5);
    let (bg, ink, accent) = if dark {
        (
            hex(0x141414),
            hex(0xF4F0E6),
            *rng.pick(&[hex(0xC9A227), hex(0x8FB8DE), hex(0xD98E73)]),
        )
    } else {
        (
            hex(0xF4F0E6),
            hex(0x141414),
            *rng.pick(&[hex(0xB23A48), hex(0x2E5266), hex(0xC9A227)]),
        )
    };
    let mut c = Canvas::new(size, bg);
    // A soft vignette, like light falling on a lid.
    let edge = lerp(bg, accent, 0.35);
    c.shade(|u, v, p| {
        let d = ((u - 0.5) * (u - 0.5) + (v - 0.4) * (v - 0.4)).sqrt();
        *p = lerp(bg, edge, (d * 1.4).min(1.0));
    });
    // A large sphere of colour, lit from the upper left.
    let (cx, cy, r) = (
        rng.range(0.35, 0.65),
        rng.range(0.3, 0.42),
        rng.range(0.2, 0.28),
    );
    let light = lerp(accent, [1.0, 1.0, 1.0], 0.35);
    let deep = lerp(accent, [0.0, 0.0, 0.0], 0.3);
    c.shade(|u, v, p| {
        let d = ((u - cx) * (u - cx) + (v - cy) * (v - cy)).sqrt();
        if d < r + 0.003 {
            let lit = (((u - cx + r * 0.4).powi(2) + (v - cy + r * 0.4).powi(2)).sqrt()
                / (1.6 * r))
                .min(1.0);
            let colour = lerp(light, deep, lit);
            *p = lerp(*p, colour, 1.0 - smooth(r - 0.003, r + 0.003, d));
        }
    });
    let tilt = rng.range(-0.15, 0.15);
    let top = rng.range(0.58, 0.66);
    c.shade(|u, v, p| {
        let y = v - top - (u - 0.5) * tilt;
        if y > 0.0 && y < 0.3 {
            let white = 1.0 / 11.0;
            let key = (u / white).floor() as i32;
            let within = (u / white).fract();
            let gap = within < 0.06;
            *p = if gap { bg } else { ink };
            // Black keys sit between white keys except after E and B.
            let degree = key.rem_euclid(7);
            let has_black_right = !matches!(degree, 2 | 6);
            if y < 0.18
                && ((within > 0.7 && has_black_right)
                    || (within < 0.3 && !matches!((degree + 6) % 7, 2 | 6)))
            {
                *p = bg;
            }
        }
    });
    c.grain(0.03, s);
    c
}
