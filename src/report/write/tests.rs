use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A staged file is a temporary file until the commit; staging dropped without a commit
/// removes its temporary files and leaves the earlier file as it was.
#[test]
fn staged_files_replace_the_old_ones_only_on_commit() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("charts");
    let staging = Staging::new(dir.path());
    staging
        .file(Path::new("charts/a.svg"), &mut |w| w.write_all(b"one"))
        .unwrap();
    let before = names(&sub);
    assert_eq!(before.len(), 1);
    assert!(before[0].starts_with(".tierscope-"), "{before:?}");
    staging.commit().unwrap();
    assert_eq!(names(&sub), ["a.svg"]);

    let staging = Staging::new(dir.path());
    staging
        .file(Path::new("charts/a.svg"), &mut |w| w.write_all(b"two"))
        .unwrap();
    let failed = staging.file(Path::new("charts/b.svg"), &mut |w| {
        w.write_all(b"half")?;
        Err(std::io::Error::other("the renderer failed"))
    });
    assert!(matches!(failed, Err(Error::Write { .. })));
    drop(staging);
    assert_eq!(names(&sub), ["a.svg"]);
    assert_eq!(std::fs::read(sub.join("a.svg")).unwrap(), b"one");
}

/// A run killed during the renames of its commit (after the journal, before the last
/// rename) leaves a mix; the next run on the folder finishes that commit from the
/// journal before anything else: every file of the killed run's set, none of the old.
#[test]
fn a_commit_killed_during_its_renames_is_finished_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("charts")).unwrap();
    for f in ["report.md", "charts/a.svg"] {
        std::fs::write(d.join(f), "old").unwrap();
    }
    std::fs::write(d.join(MANIFEST), "report.md\ncharts/a.svg\n").unwrap();
    let staging = Staging::report_set(d, lock_folder(d, false, || {}).unwrap()).unwrap();
    for f in ["report.md", "report.json", MANIFEST] {
        staging
            .file(Path::new(f), &mut |w| {
                w.write_all(format!("new {f}").as_bytes())
            })
            .unwrap();
    }
    let mut staged = std::mem::take(&mut *staging.staged.lock().unwrap());
    staged.sort_by(|a, b| a.target.cmp(&b.target));
    write_journal(d, &staged, &[PathBuf::from("charts/a.svg")]).unwrap();
    // Killed after the first rename: the temporary files of the others stay.
    let mut rest = staged.into_iter();
    persist_all(vec![rest.next().unwrap()]).unwrap();
    for s in rest {
        std::mem::forget(s);
    }
    drop(staging);
    assert_eq!(std::fs::read_to_string(d.join("report.md")).unwrap(), "old");
    // The next run.
    let next = Staging::report_set(d, lock_folder(d, false, || {}).unwrap()).unwrap();
    for f in ["report.md", "report.json", MANIFEST] {
        assert_eq!(
            std::fs::read_to_string(d.join(f)).unwrap(),
            format!("new {f}")
        );
    }
    assert!(!d.join("charts/a.svg").exists());
    assert_eq!(
        names(d),
        [".tierscope-manifest", "charts", "report.json", "report.md"]
    );
    assert_eq!(
        next.set.as_ref().unwrap().previous.len(),
        0,
        "the manifest read is the new one"
    );
}

/// A journal cut short (the run was killed while writing it, before any rename) is
/// dropped: the previous files stay, the killed run's temporary files go.
#[test]
fn an_unfinished_journal_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("report.md"), "old").unwrap();
    std::fs::write(d.join(".tierscope-abc.tmp"), "new").unwrap();
    std::fs::write(d.join(JOURNAL), "rename\t.tierscope-abc.tmp\treport.md\n").unwrap();
    let _s = Staging::report_set(d, lock_folder(d, false, || {}).unwrap()).unwrap();
    assert_eq!(std::fs::read_to_string(d.join("report.md")).unwrap(), "old");
    assert_eq!(names(d), ["report.md"]);
}

/// A second lock on a folder is refused while the first is held, and granted after.
#[test]
fn a_folder_is_locked_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = lock_folder(dir.path(), false, || {}).unwrap();
    let second = lock_folder(dir.path(), false, || {});
    assert!(matches!(second, Err(Error::Input { .. })));
    drop(first);
    assert!(lock_folder(dir.path(), false, || {}).is_ok());
}

/// The memory sink gives the files back in the order asked for, whatever order they
/// were written in.
#[test]
fn memory_files_come_back_in_the_order_given() {
    let memory = Memory::default();
    for name in ["b", "c", "a"] {
        memory
            .file(Path::new(name), &mut |w| w.write_all(name.as_bytes()))
            .unwrap();
    }
    let order: Vec<PathBuf> = ["a", "b", "c"].iter().map(PathBuf::from).collect();
    let files = memory.into_files(&order);
    let got: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|f| (f.path.as_path(), f.bytes.as_slice()))
        .collect();
    assert_eq!(
        got,
        [
            (Path::new("a"), &b"a"[..]),
            (Path::new("b"), &b"b"[..]),
            (Path::new("c"), &b"c"[..])
        ]
    );
}
