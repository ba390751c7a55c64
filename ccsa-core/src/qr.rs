//! QR codes for invitations (二维码邀请), as SVG text and PNG bytes.
//!
//! ```
//! let svg = ccsa_core::qr::qr_svg("ABCDEFGHIJKLMNOPQRSTUVWXYZ01")?;
//! assert!(svg.starts_with("<?xml"));
//! let png = ccsa_core::qr::qr_png("ABCDEFGHIJKLMNOPQRSTUVWXYZ01", 8)?;
//! assert_eq!(&png[1..4], b"PNG");
//! # Ok::<(), ccsa_core::Error>(())
//! ```

use crate::{Error, ErrorCode, Result};
use qrcode::{Color, EcLevel, QrCode};

fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| Error::new(ErrorCode::TextInvalid).with_note("text too long for a QR code"))
}

/// The QR code of `text` as an SVG document (quiet zone included).
pub fn qr_svg(text: &str) -> Result<String> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build())
}

/// The QR code of `text` as a greyscale PNG, `scale` pixels per module
/// (1-32), with a 4-module quiet zone.
pub fn qr_png(text: &str, scale: u32) -> Result<Vec<u8>> {
    let code = code(text)?;
    let scale = scale.clamp(1, 32) as usize;
    let modules = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let mut pixels = vec![255u8; side * side];
    for y in 0..modules {
        for x in 0..modules {
            if colors[y * modules + x] == Color::Dark {
                for dy in 0..scale {
                    let row = ((y + quiet) * scale + dy) * side;
                    for dx in 0..scale {
                        pixels[row + (x + quiet) * scale + dx] = 0;
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc
            .write_header()
            .map_err(|_| Error::storage("png encoder error"))?;
        w.write_image_data(&pixels)
            .map_err(|_| Error::storage("png encoder error"))?;
    }
    Ok(out)
}
