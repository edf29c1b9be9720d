use std::f64::consts::{PI, TAU};

use glass_figures::{mollweide, panels, Band, Curve, FigureError, MapPanel, Panel, Scale, Style};

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// Equal-angle test pixelisation: 64 x 128 cells.
fn grid_pixel(theta: f64, phi: f64) -> usize {
    let i = ((theta / PI * 64.0).floor() as usize).min(63);
    let j = ((phi / TAU * 128.0).floor() as usize).min(127);
    i * 128 + j
}

fn cos_theta_map() -> Vec<f64> {
    (0..64 * 128)
        .map(|k| {
            let theta = ((k / 128) as f64 + 0.5) / 64.0 * PI;
            theta.cos()
        })
        .collect()
}

fn decode(png: &[u8]) -> image::RgbImage {
    assert_eq!(png[..8], PNG_SIGNATURE, "not a PNG");
    image::load_from_memory(png).expect("PNG decodes").to_rgb8()
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    a.iter()
        .zip(&b)
        .all(|(&x, &y)| (x as i32 - y as i32).abs() <= tol)
}

const VIRIDIS_HIGH: [u8; 3] = [0xfd, 0xe7, 0x25];
const VIRIDIS_LOW: [u8; 3] = [0x44, 0x01, 0x54];
const WHITE: [u8; 3] = [255, 255, 255];

#[test]
fn mollweide_cos_theta_has_north_up() {
    let values = cos_theta_map();
    let png = mollweide(
        &[MapPanel {
            title: "cos θ",
            values: &values,
            pixel: &grid_pixel,
            scale: Scale::Linear,
            label: "cos θ",
        }],
        1200,
    )
    .unwrap();
    let img = decode(&png);
    assert_eq!(img.width(), 1200);
    // Map geometry for width 1200: 20 px margins, 1160 x 580 map from y = 52.
    let (x0, y0, w, h) = (20u32, 52u32, 1160u32, 580u32);
    let cx = x0 + w / 2;
    let px = |x: u32, y: u32| img.get_pixel(x, y).0;
    for dx in [0, 3] {
        let top = px(cx - dx, y0 + 4);
        assert!(close(top, VIRIDIS_HIGH, 12), "top near centre {top:?}");
        let bottom = px(cx + dx, y0 + h - 5);
        assert!(
            close(bottom, VIRIDIS_LOW, 12),
            "bottom near centre {bottom:?}"
        );
    }
    // Equator: middle of the colour map, left and right alike.
    let left = px(x0 + 100, y0 + h / 2);
    let right = px(x0 + w - 100, y0 + h / 2);
    assert!(close(left, right, 2), "{left:?} vs {right:?}");
    // Corners of the map's box are outside the ellipse.
    for (x, y) in [
        (x0 + 3, y0 + 3),
        (x0 + w - 4, y0 + 3),
        (x0 + 3, y0 + h - 4),
        (x0 + w - 4, y0 + h - 4),
    ] {
        assert_eq!(px(x, y), WHITE, "corner ({x}, {y})");
    }
}

#[test]
fn mollweide_longitude_increases_to_the_left() {
    // Value = phi of the cell; left of centre small phi, right of centre
    // close to 2π.
    let values: Vec<f64> = (0..64 * 128)
        .map(|k| ((k % 128) as f64 + 0.5) / 128.0 * TAU)
        .collect();
    let png = mollweide(
        &[MapPanel {
            title: "φ",
            values: &values,
            pixel: &grid_pixel,
            scale: Scale::Linear,
            label: "φ",
        }],
        1200,
    )
    .unwrap();
    let img = decode(&png);
    let (cx, cy) = (20 + 580, 52 + 290);
    let left = img.get_pixel(cx - 40, cy).0;
    let right = img.get_pixel(cx + 40, cy).0;
    assert!(close(left, VIRIDIS_LOW, 25), "left {left:?}");
    assert!(close(right, VIRIDIS_HIGH, 25), "right {right:?}");
}

#[test]
fn mollweide_odd_values_do_not_panic() {
    let nan = vec![f64::NAN; 64 * 128];
    let equal = vec![3.0; 64 * 128];
    let mut mixed = cos_theta_map();
    mixed[5] = f64::INFINITY;
    mixed[6] = -1.0;
    mixed[7] = -7.0;
    let short = [1.0, 2.0]; // pixel indices past the end: grey
    let mut list = Vec::new();
    for scale in [Scale::Linear, Scale::Symmetric, Scale::Log1p] {
        for v in [&nan[..], &equal[..], &mixed[..], &short[..]] {
            list.push(MapPanel {
                title: "odd",
                values: v,
                pixel: &grid_pixel,
                scale,
                label: "",
            });
        }
    }
    let png = mollweide(&list, 400).unwrap();
    let img = decode(&png);
    assert_eq!(img.width(), 400);
}

#[test]
fn mollweide_stacks_panels() {
    let values = cos_theta_map();
    let one = |title| MapPanel {
        title,
        values: &values,
        pixel: &grid_pixel,
        scale: Scale::Symmetric,
        label: "δ",
    };
    let h1 = decode(&mollweide(&[one("a")], 800).unwrap()).height();
    let h3 = decode(&mollweide(&[one("a"), one("b"), one("c")], 800).unwrap()).height();
    assert_eq!(h3, 3 * h1);
}

#[test]
fn mollweide_bad_input() {
    assert!(matches!(mollweide(&[], 1200), Err(FigureError::Input(_))));
    let p = MapPanel {
        title: "",
        values: &[],
        pixel: &grid_pixel,
        scale: Scale::Linear,
        label: "",
    };
    assert!(matches!(mollweide(&[p], 1200), Err(FigureError::Input(_))));
    let v = [1.0];
    let p = MapPanel {
        title: "",
        values: &v,
        pixel: &grid_pixel,
        scale: Scale::Linear,
        label: "",
    };
    assert!(matches!(mollweide(&[p], 10), Err(FigureError::Input(_))));
}

fn nasty_panel<'a>(
    x: &'a [f64],
    y: &'a [f64],
    lo: &'a [f64],
    hi: &'a [f64],
    edges: &'a [f64],
    log_x: bool,
    log_y: bool,
) -> Panel<'a> {
    Panel {
        title: "nasty",
        xlabel: "ℓ",
        ylabel: "C_ℓ",
        log_x,
        log_y,
        curves: vec![
            Curve {
                label: "line",
                x,
                y,
                style: Style::Line,
            },
            Curve {
                label: "dashed",
                x,
                y: hi,
                style: Style::Dashed,
            },
            Curve {
                label: "points",
                x,
                y: lo,
                style: Style::Points,
            },
            Curve {
                label: "steps (edges)",
                x: edges,
                y,
                style: Style::Step,
            },
            Curve {
                label: "steps (centres)",
                x,
                y,
                style: Style::Step,
            },
            Curve {
                label: "",
                x: &[],
                y: &[],
                style: Style::Line,
            },
        ],
        bands: vec![Band {
            label: "band",
            x,
            lo,
            hi,
        }],
    }
}

#[test]
fn panels_survive_nan_zero_negative_on_log_axes() {
    let x = [0.0, 1.0, 2.0, f64::NAN, 4.0, -5.0, 10.0, 100.0];
    let y = [1.0, 0.0, -2.0, 3.0, f64::NAN, 5.0, f64::INFINITY, 1e-3];
    let lo = [-1.0, 0.0, 0.5, f64::NAN, 1.0, 2.0, 3.0, 1e-4];
    let hi = [2.0, 1.0, 1.0, 4.0, 5.0, f64::NAN, 6.0, 1e-2];
    let edges = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    let all_nan = [f64::NAN; 8];
    let equal = [2.0; 8];
    let mut list = Vec::new();
    for (lx, ly) in [(false, false), (true, false), (false, true), (true, true)] {
        list.push(nasty_panel(&x, &y, &lo, &hi, &edges, lx, ly));
        list.push(nasty_panel(
            &all_nan, &all_nan, &all_nan, &all_nan, &edges, lx, ly,
        ));
        list.push(nasty_panel(&equal, &equal, &equal, &equal, &edges, lx, ly));
        list.push(nasty_panel(&lo, &lo, &lo, &lo, &edges, lx, ly));
    }
    list.push(Panel {
        title: "nothing",
        xlabel: "",
        ylabel: "",
        log_x: true,
        log_y: true,
        curves: vec![],
        bands: vec![],
    });
    let png = panels("stress", &list, 4, (480, 360)).unwrap();
    let img = decode(&png);
    assert_eq!(img.width(), 4 * 480);
    assert!(img.height() > 5 * 360, "five rows and a title");
}

#[test]
fn panels_size_and_signature() {
    let x: Vec<f64> = (1..100).map(|i| i as f64).collect();
    let y: Vec<f64> = x.iter().map(|v| 1.0 / v).collect();
    let mk = || Panel {
        title: "1/x",
        xlabel: "x",
        ylabel: "y",
        log_x: true,
        log_y: true,
        curves: vec![Curve {
            label: "1/x",
            x: &x,
            y: &y,
            style: Style::Line,
        }],
        bands: vec![],
    };
    let png = panels("title", &[mk(), mk(), mk()], 2, (480, 360)).unwrap();
    let img = decode(&png);
    assert_eq!(img.width(), 960);
    assert_eq!(img.height(), 2 * 360 + 44);
    // More columns than panels: as many columns as panels.
    let img = decode(&panels("", &[mk()], 3, (480, 360)).unwrap());
    assert_eq!((img.width(), img.height()), (480, 360));
}

#[test]
fn panels_bad_input() {
    let x = [1.0, 2.0, 3.0];
    let y = [1.0, 2.0];
    let ok = || Panel {
        title: "",
        xlabel: "",
        ylabel: "",
        log_x: false,
        log_y: false,
        curves: vec![],
        bands: vec![],
    };
    assert!(matches!(
        panels("t", &[], 1, (480, 360)),
        Err(FigureError::Input(_))
    ));
    assert!(matches!(
        panels("t", &[ok()], 0, (480, 360)),
        Err(FigureError::Input(_))
    ));
    assert!(matches!(
        panels("t", &[ok()], 1, (10, 10)),
        Err(FigureError::Input(_))
    ));
    for style in [Style::Line, Style::Dashed, Style::Points] {
        let mut p = ok();
        p.curves.push(Curve {
            label: "bad",
            x: &x,
            y: &y,
            style,
        });
        let err = panels("t", &[p], 1, (480, 360)).unwrap_err();
        assert!(matches!(err, FigureError::Input(_)), "{err}");
    }
    // Steps: y.len() + 1 edges (3 for 2) are fine, y.len() + 2 are not.
    let mut p = ok();
    p.curves.push(Curve {
        label: "steps",
        x: &x,
        y: &y,
        style: Style::Step,
    });
    assert!(panels("t", &[p], 1, (480, 360)).is_ok());
    let y1 = [1.0];
    let mut p = ok();
    p.curves.push(Curve {
        label: "steps",
        x: &x,
        y: &y1,
        style: Style::Step,
    });
    assert!(matches!(
        panels("t", &[p], 1, (480, 360)),
        Err(FigureError::Input(_))
    ));
    let mut p = ok();
    p.bands.push(Band {
        label: "band",
        x: &x,
        lo: &x,
        hi: &y,
    });
    let err = panels("t", &[p], 1, (480, 360)).unwrap_err();
    assert!(err.to_string().contains("band"), "{err}");
}
