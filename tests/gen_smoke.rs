mod common;

#[test]
fn random_datasets_load() {
    for seed in 0..300 {
        for shape in [
            common::Shape::small((seed % 9) as usize),
            common::Shape {
                single_input_single_item: true,
                ..common::Shape::small(5)
            },
        ] {
            let dir = tempfile::tempdir().unwrap();
            let files = common::random_dataset(seed, shape);
            common::write(&files, dir.path());
            if let Err(e) = tierscope::ingest::load(dir.path()) {
                if let tierscope::error::Error::InvalidDataset { diagnostics, .. } = &e {
                    for d in diagnostics {
                        eprintln!("{d}");
                    }
                }
                panic!("seed {seed}: {e}");
            }
        }
    }
}
