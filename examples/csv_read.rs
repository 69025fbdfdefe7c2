//! The csv crate alone reading a dataset folder: every `*.csv` file, every record into a
//! `StringRecord` (UTF-8 checked), nothing else. The floor that `tierscope analyze` is
//! compared with: `cargo run --release --example csv_read -- DIR`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: csv_read DIR")?;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    let (mut records, mut bytes) = (0u64, 0u64);
    for path in paths {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(&path)?;
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record)? {
            records += 1;
            bytes += record.as_slice().len() as u64;
        }
    }
    println!("{records} records, {bytes} bytes of fields");
    Ok(())
}
