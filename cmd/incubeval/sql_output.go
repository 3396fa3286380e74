package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// withOutput runs fn on the --output file or standard output. A file is
// written to a new temporary file in the same folder (created exclusively,
// so never through a link planted under its name), synced and renamed into
// place when fn succeeds: a failed query never leaves half a file.
// outputPath decides where, and refuses the database's own files.
func (a *app) withOutput(output string, fn func(w io.Writer) error) error {
	return a.withOutputMode(output, 0o644, fn) // a result is meant to be shared
}

// withOutputMode is withOutput giving the file mode.
func (a *app) withOutputMode(output string, mode os.FileMode, fn func(w io.Writer) error) error {
	if output == "" {
		return fn(a.stdout)
	}
	path, err := outputPath(output, a.dbPath)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if !renamed {
			os.Remove(tmp)
		}
	}()
	err = fn(f)
	if err == nil {
		err = f.Chmod(mode) // CreateTemp makes it private
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// outputPath resolves --output as the kernel would (every link of the
// file and of each folder above it, ".." after the link before it) and
// refuses it when it is, or would replace, the database or a file that
// belongs to it: a file beside the database whose name starts with the
// database's name and a dot (its write-ahead log, snapshot and its
// sidecar, lock, the scheduler's lock, the run ledger's pending file, …)
// or anything under the archive folder beside it. Folders are compared
// with os.SameFile too, so a bind mount or a second name of the same
// folder does not get past. It returns the resolved path, which is where
// the file is then written.
func outputPath(output, db string) (string, error) {
	return outputPathFlag("--output", output, db)
}

// outputFile checks a workbook's path that a flag names (ingest
// --rejects-out, template --out) before anything runs, and returns where
// to write it: resolved as outputPath does when its folder exists; a
// folder still to be made (the writer makes it) is checked as outputFolder
// checks one, since a new folder holds nothing of the database's.
func outputFile(flag, path, db string) (string, error) {
	if _, err := os.Stat(filepath.Dir(path)); errors.Is(err, fs.ErrNotExist) {
		return path, outputFolder(flag, filepath.Dir(path), db)
	}
	return outputPathFlag(flag, path, db)
}

// outputPathFlag is outputPath for the file another flag names
// (ingest --rejects-out, template --out): the messages name that flag.
func outputPathFlag(flag, output, db string) (string, error) {
	out, err := resolvePath(output, true)
	if err != nil {
		return "", usageError{fmt.Errorf("%s %s 无法使用 / %s %s: %w", flag, output, flag, output, err)}
	}
	if fi, err := os.Stat(out); err == nil && fi.IsDir() {
		return "", usage(fmt.Sprintf("%s %s 是文件夹，请给出文件名", flag, output), fmt.Sprintf("%s %s is a folder; give a file name", flag, output))
	}
	dbPath, err := resolvePath(db, false)
	if err != nil {
		dbPath, _ = filepath.Abs(db)
	}
	refuse := func(what string) error {
		return usageError{fmt.Errorf("%s %s would overwrite the database or one of its files (%s); choose another file / 输出文件不能覆盖数据库及其相关文件", flag, output, what)}
	}
	dbDir, dbName := filepath.Split(dbPath)
	outDir, outName := filepath.Split(out)
	if sameFolder(outDir, dbDir) {
		switch {
		case outName == dbName:
			return "", refuse("the database")
		case strings.HasPrefix(outName, dbName+"."):
			return "", refuse(outName + " beside it")
		}
	}
	if archive, in := inArchive(outDir, dbDir); in {
		return "", refuse("its archive of ingested files, " + archive)
	}
	// The same file under another name (a hard link): replacing it would
	// not change the database, but writing a result over it is no one's
	// intent.
	if fi, err := os.Stat(out); err == nil {
		for _, p := range []string{dbPath, dbPath + ".wal"} {
			if pi, err := os.Stat(p); err == nil && os.SameFile(fi, pi) {
				return "", refuse(filepath.Base(p))
			}
		}
	}
	return out, nil
}

// inArchive reports whether dir is, or is under, the archive folder beside
// the database (in dbDir), and names the archive.
func inArchive(dir, dbDir string) (string, bool) {
	archive := filepath.Join(dbDir, "archive")
	if a, err := filepath.EvalSymlinks(archive); err == nil {
		archive = a
	}
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if sameFolder(d, archive) {
			return archive, true
		}
		if d == filepath.Dir(d) {
			return archive, false
		}
	}
}

// outputFolder checks, before anything runs, a folder a command writes its
// workbooks into (report --out, run --out, ingest --rejects-by with
// --rejects-out): it must not be the database or one of its files, nor
// the archive of ingested files or a folder under it. The folder need not
// exist yet; what exists of it is resolved as the kernel would.
// writes are the patterns (as filepath.Match takes them; "*" for a folder
// all of whose files it writes) of the files the command names itself in
// the folder: the database must not be one of them.
func outputFolder(flag, dir, db string, writes ...string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return usageError{fmt.Errorf("%s %s: %w", flag, dir, err)}
	}
	// The deepest folder that exists, its links resolved, and the rest.
	rest := ""
	d := abs
	for {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			d = filepath.Join(r, rest)
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		rest = filepath.Join(filepath.Base(d), rest)
		d = parent
	}
	dbPath, err := resolvePath(db, false)
	if err != nil {
		dbPath, _ = filepath.Abs(db)
	}
	dbDir, dbName := filepath.Split(dbPath)
	refuse := func(what string) error {
		return usageError{fmt.Errorf("%s %s would write into the database or one of its files (%s); choose another folder / 输出文件夹不能是数据库、其相关文件或导入文件存档", flag, dir, what)}
	}
	outParent, outName := filepath.Split(d)
	if sameFolder(outParent, dbDir) && (outName == dbName || strings.HasPrefix(outName, dbName+".")) {
		return refuse(outName)
	}
	if archive, in := inArchive(d, dbDir); in {
		return refuse("its archive of ingested files, " + archive)
	}
	if sameFolder(d, dbDir) {
		for _, w := range writes {
			if ok, _ := filepath.Match(w, dbName); ok {
				return refuse("the database " + dbName + ", in the folder, is named as a file written there")
			}
		}
	}
	return nil
}

// sameFolder reports whether a and b name the same folder.
func sameFolder(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ai, err1 := os.Stat(a)
	bi, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ai, bi)
}

// resolvePath makes p absolute and resolves its links the way the kernel
// would open it: the folder must exist; the last element is resolved too
// when it is a link (a link to nothing is refused with resolveLast, since
// writing through it would create its target).
func resolvePath(p string, resolveLast bool) (string, error) {
	if p == "" {
		return "", errors.New("empty path")
	}
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		// Not filepath.Join, which would take "link/.." away before the
		// link is resolved.
		p = wd + string(filepath.Separator) + p
	}
	dir, name := filepath.Split(p)
	if name == "" || name == "." || name == ".." {
		return "", errors.New("not a file name")
	}
	rdir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", fmt.Errorf("the folder %s: %w", dir, err)
	}
	full := filepath.Join(rdir, name)
	fi, err := os.Lstat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return full, nil
	case err != nil:
		return "", err
	case fi.Mode()&fs.ModeSymlink == 0:
		return full, nil
	}
	target, err := filepath.EvalSymlinks(full)
	if err != nil {
		if resolveLast {
			return "", fmt.Errorf("a link to nothing (%w)", err)
		}
		return full, nil
	}
	return target, nil
}
