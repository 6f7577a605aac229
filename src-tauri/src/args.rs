use std::ffi::OsString;
use std::path::PathBuf;

/// The `--data-dir DIR` (or `--data-dir=DIR`) argument, if given. Other arguments are left to
/// the platform (GTK and WebKit take some of their own).
pub fn data_dir(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|arg| arg.strip_prefix("--data-dir=")) {
            return Some(PathBuf::from(value));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Option<PathBuf> {
        data_dir(args.iter().map(OsString::from))
    }

    #[test]
    fn reads_both_spellings() {
        assert_eq!(parse(&["--data-dir", "/a"]), Some("/a".into()));
        assert_eq!(parse(&["--x", "--data-dir=/b"]), Some("/b".into()));
    }

    #[test]
    fn absent_or_dangling_flag_gives_none() {
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&["--data-dir"]), None);
    }
}
