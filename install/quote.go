package install

import (
	"fmt"
	"strings"
	"unicode"
)

// checkArg rejects arguments that neither a unit file nor a desktop entry
// can carry reliably. Control characters would need escapes that the two
// formats (and the many desktop-entry launchers) interpret differently, and
// no real neckwatch flag needs them.
func checkArg(s string) error {
	for _, r := range s {
		if r == 0 || unicode.IsControl(r) {
			return fmt.Errorf("argument %q contains a control character, which cannot be written to a login entry", s)
		}
	}
	return nil
}

// systemdSafe reports whether s can appear in ExecStart= unquoted: no
// whitespace, quotes, backslashes, specifiers (%), variables ($) or a lone
// ";" (the command separator).
func systemdSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("-_./:=,+@", r):
		default:
			return false
		}
	}
	return true
}

// systemdQuote renders one ExecStart= word per systemd.service(5): words
// needing it are double-quoted with C-style escapes for '"' and '\'.
// Specifiers and variables are expanded even inside quotes, so '%' and '$'
// are always doubled.
func systemdQuote(s string) string {
	if systemdSafe(s) {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '%':
			b.WriteString("%%")
		case '$':
			b.WriteString("$$")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// systemdCommand renders a full ExecStart= value.
func systemdCommand(argv []string) string {
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = systemdQuote(a)
	}
	return strings.Join(words, " ")
}

// desktopReserved are the characters that force quoting in an Exec= key
// (Desktop Entry Specification, "The Exec key").
const desktopReserved = " \t\n\"'\\><~|&;$*?#()`"

// desktopQuote renders one Exec= argument: arguments with reserved
// characters are double-quoted, with '"', '`', '$' and '\' escaped by a
// backslash inside the quotes; a literal '%' is written "%%" so it is not
// taken for a field code.
func desktopQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, desktopReserved) {
		return strings.ReplaceAll(s, "%", "%%")
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '`', '$', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '%':
			b.WriteString("%%")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// desktopCommand renders a full Exec= value. The key's value is itself a
// "string" with backslash escapes that are undone before the quoting
// rules apply, so every backslash from quoting is doubled once more (the
// spec's "four backslashes for one literal backslash").
func desktopCommand(argv []string) string {
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = desktopQuote(a)
	}
	return strings.ReplaceAll(strings.Join(words, " "), `\`, `\\`)
}

// shellCommand renders argv for a POSIX shell, for a command the user may
// type: words with anything but safe characters are single-quoted.
func shellCommand(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = shellQuote(a)
	}
	return strings.Join(out, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
