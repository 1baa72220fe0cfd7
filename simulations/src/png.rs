//! A minimal PNG encoder: 8-bit RGB, no interlace, filter type 0 on every row, the pixel data
//! as one zlib stream (flate2) in one IDAT chunk. CRC-32 is computed here.
//!
//! Format facts (signature, chunk layout, IHDR fields, CRC polynomial) are from the PNG
//! specification, W3C "Portable Network Graphics (PNG) Specification (Third Edition)", §5 and
//! Annex D.

use flate2::write::ZlibEncoder;
use flate2::Compression;
use std::io::Write;

/// The eight bytes every PNG file starts with.
pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Colour type 2 in IHDR: each pixel is an R, G, B triple.
const COLOUR_TYPE_RGB: u8 = 2;
const BIT_DEPTH: u8 = 8;
const BYTES_PER_PIXEL: usize = 3;

/// Why an image could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error(
        "image of {width}×{height} pixels has {actual} bytes of RGB data \
         (expected {expected}: width × height × 3)"
    )]
    WrongSize {
        width: u32,
        height: u32,
        actual: usize,
        expected: usize,
    },
    #[error("image of {width}×{height} pixels (accepted: width and height >= 1)")]
    Empty { width: u32, height: u32 },
    #[error("cannot compress the pixel data: {0}")]
    Compress(#[from] std::io::Error),
}

/// Encodes `rgb` (rows top to bottom, three bytes per pixel) as a PNG file.
pub fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, PngError> {
    if width == 0 || height == 0 {
        return Err(PngError::Empty { width, height });
    }
    let row_bytes = width as usize * BYTES_PER_PIXEL;
    let expected = row_bytes * height as usize;
    if rgb.len() != expected {
        return Err(PngError::WrongSize {
            width,
            height,
            actual: rgb.len(),
            expected,
        });
    }
    let mut png = SIGNATURE.to_vec();
    write_chunk(&mut png, b"IHDR", &ihdr(width, height));
    write_chunk(&mut png, b"IDAT", &compressed_rows(rgb, row_bytes)?);
    write_chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

/// IHDR's 13 bytes: width, height, bit depth, colour type, compression, filter, interlace.
fn ihdr(width: u32, height: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity(13);
    data.extend_from_slice(&width.to_be_bytes());
    data.extend_from_slice(&height.to_be_bytes());
    data.extend_from_slice(&[BIT_DEPTH, COLOUR_TYPE_RGB, 0, 0, 0]);
    data
}

/// Each row prefixed with filter type 0 (None), the whole deflated in a zlib stream.
fn compressed_rows(rgb: &[u8], row_bytes: usize) -> Result<Vec<u8>, std::io::Error> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    for row in rgb.chunks(row_bytes) {
        encoder.write_all(&[0])?;
        encoder.write_all(row)?;
    }
    encoder.finish()
}

/// Length, type, data, and the CRC of type and data.
fn write_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend_from_slice(&length.to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32_update(crc32_update(CRC_INIT, kind), data) ^ CRC_INIT;
    png.extend_from_slice(&crc.to_be_bytes());
}

const CRC_INIT: u32 = 0xFFFF_FFFF;
/// The reflected CRC-32 polynomial (ISO 3309 / ITU-T V.42), as PNG uses.
const CRC_POLYNOMIAL: u32 = 0xEDB8_8320;

/// The 256-entry table of the byte-at-a-time CRC, built at compile time.
const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut bit = 0;
        while bit < 8 {
            c = if c & 1 == 1 {
                CRC_POLYNOMIAL ^ (c >> 1)
            } else {
                c >> 1
            };
            bit += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

fn crc32_update(mut crc: u32, bytes: &[u8]) -> u32 {
    for &byte in bytes {
        crc = CRC_TABLE[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc
}

/// The CRC-32 of `bytes` as PNG chunks carry it.
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32_update(CRC_INIT, bytes) ^ CRC_INIT
}

/// One chunk of a PNG file, as read back by [`chunks`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub kind: [u8; 4],
    pub data: &'a [u8],
    pub crc: u32,
}

/// The chunks after the signature, or `None` when the file is cut short or lacks the signature.
/// For tests and tools that check a written file.
pub fn chunks(png: &[u8]) -> Option<Vec<Chunk<'_>>> {
    let mut rest = png.strip_prefix(&SIGNATURE)?;
    let mut found = Vec::new();
    while !rest.is_empty() {
        let length = u32::from_be_bytes(rest.get(0..4)?.try_into().ok()?) as usize;
        let kind: [u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let data = rest.get(8..8 + length)?;
        let crc = u32::from_be_bytes(rest.get(8 + length..12 + length)?.try_into().ok()?);
        found.push(Chunk { kind, data, crc });
        rest = &rest[12 + length..];
    }
    Some(found)
}

impl Chunk<'_> {
    /// Whether the stored CRC matches the chunk's type and data.
    pub fn crc_ok(&self) -> bool {
        let mut covered = self.kind.to_vec();
        covered.extend_from_slice(self.data);
        crc32(&covered) == self.crc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        // The catalogue check value of CRC-32/ISO-HDLC over "123456789" (Greg Cook's CRC
        // catalogue, reveng.sourceforge.net/crc-catalogue).
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        // The CRC every PNG's empty IEND chunk ends with.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn an_image_has_signature_header_data_end_and_good_crcs() {
        let (w, h) = (3u32, 2u32);
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 13 % 256) as u8).collect();
        let png = encode_rgb(w, h, &rgb).expect("encodes");
        assert_eq!(png[..8], SIGNATURE);
        let chunks = chunks(&png).expect("well-formed");
        let kinds: Vec<&[u8; 4]> = chunks.iter().map(|c| &c.kind).collect();
        assert_eq!(kinds, vec![b"IHDR", b"IDAT", b"IEND"]);
        assert!(chunks.iter().all(Chunk::crc_ok));
        assert_eq!(chunks[0].data, &[0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(chunks[1].data)
            .read_to_end(&mut raw)
            .expect("zlib stream");
        assert_eq!(raw.len(), (1 + 3 * 3) * 2);
        assert_eq!(raw[0], 0);
        assert_eq!(&raw[1..10], &rgb[0..9]);
        assert_eq!(&raw[11..20], &rgb[9..18]);
    }

    #[test]
    fn a_corrupted_byte_fails_its_crc() {
        let mut png = encode_rgb(1, 1, &[255, 0, 0]).expect("encodes");
        let ihdr_width_byte = 8 + 8 + 3;
        png[ihdr_width_byte] = 2;
        let chunks = chunks(&png).expect("well-formed");
        assert!(!chunks[0].crc_ok());
        assert!(chunks[1].crc_ok());
    }

    #[test]
    fn a_wrong_buffer_size_is_an_error_with_the_numbers() {
        let err = encode_rgb(2, 2, &[0; 11]).unwrap_err().to_string();
        assert_eq!(
            err,
            "image of 2×2 pixels has 11 bytes of RGB data (expected 12: width × height × 3)"
        );
        assert!(encode_rgb(0, 5, &[]).is_err());
    }
}
