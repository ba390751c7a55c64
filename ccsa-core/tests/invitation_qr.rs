//! An invitation's QR code, rendered as PNG and SVG, decodes back to the token.

use ccsa_core::directory::{InvitationKey, InvitationLink, InvitationToken};
use ccsa_core::qr::{qr_png, qr_svg};

fn decode_png(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

#[test]
fn png_decodes_back_to_the_token() {
    let key = InvitationKey::new([5; 32]);
    for seed in 0..8u8 {
        let token = InvitationToken::issue([seed; 12], &key);
        // as a mini-program scene (the bare token) and as a URL
        for link in [
            InvitationLink::default(),
            InvitationLink("https://ccsa.example.invalid/join?t={token}".into()),
        ] {
            let text = link.text(&token);
            let decoded = decode_png(&qr_png(&text, 6).unwrap());
            assert_eq!(decoded, text);
            let scanned = decoded.rsplit('=').next().unwrap();
            assert_eq!(InvitationToken::parse(scanned, &key).unwrap(), token);
        }
    }
}

#[test]
fn svg_is_a_qr_document() {
    let svg = qr_svg("ABCDEFGHIJKLMNOPQRSTUVWXYZ01").unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"));
    assert!(
        qr_png(&"x".repeat(5000), 4).is_err(),
        "too long for a QR code: a clear error"
    );
}
