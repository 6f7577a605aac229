//! A file read with positioned reads (`pread`): the position is kept here, so seeking and
//! asking where one is cost no system call. Tag parsers (lofty above all) ask for their
//! position and seek back and forth; on a scan those `lseek` calls were about a tenth of a
//! worker's time.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

#[derive(Debug)]
pub(crate) struct PositionalFile {
    file: File,
    position: u64,
    /// The length when opened: where [`SeekFrom::End`] counts from.
    len: u64,
}

impl PositionalFile {
    pub(crate) fn new(file: File, len: u64) -> Self {
        Self {
            file,
            position: 0,
            len,
        }
    }
}

impl Read for PositionalFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = read_at(&self.file, buf, self.position)?;
        self.position += read as u64;
        Ok(read)
    }
}

impl Seek for PositionalFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(offset) => Some(offset),
            SeekFrom::End(delta) => self.len.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        let Some(target) = target else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a seek to before the start of the file",
            ));
        };
        self.position = target;
        Ok(target)
    }

    fn stream_position(&mut self) -> io::Result<u64> {
        Ok(self.position)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn reads_and_seeks_like_the_file_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let bytes: Vec<u8> = (0..=255).collect();
        std::fs::write(&path, &bytes).unwrap();
        let mut file = PositionalFile::new(File::open(&path).unwrap(), 256);

        let mut four = [0; 4];
        file.read_exact(&mut four).unwrap();
        assert_eq!(four, [0, 1, 2, 3]);
        assert_eq!(file.stream_position().unwrap(), 4);
        assert_eq!(file.seek(SeekFrom::Current(6)).unwrap(), 10);
        file.read_exact(&mut four).unwrap();
        assert_eq!(four, [10, 11, 12, 13]);
        assert_eq!(file.seek(SeekFrom::End(-2)).unwrap(), 254);
        let mut rest = Vec::new();
        file.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, [254, 255]);
        assert_eq!(file.read(&mut four).unwrap(), 0, "nothing past the end");
        assert_eq!(file.seek(SeekFrom::Start(300)).unwrap(), 300);
        assert_eq!(file.read(&mut four).unwrap(), 0, "nothing far past the end");
        assert_eq!(file.seek(SeekFrom::Current(-4)).unwrap(), 296);
        assert_eq!(
            file.seek(SeekFrom::End(-257)).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        assert_eq!(
            file.stream_position().unwrap(),
            296,
            "a failed seek moves nothing"
        );
    }
}
