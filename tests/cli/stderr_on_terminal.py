"""Runs a command with its standard error on a pseudo-terminal, as an
operator's shell would give it, and its standard output on a pipe.

Prints the command's standard output, then every byte the terminal received
(raw: no newline translation), and exits with the command's status. Used by
tests/cli/authctl_operations_test.cpp to see calibrate's in-place progress.
"""
import os
import pty
import subprocess
import sys
import tty


def main():
    master, slave = pty.openpty()
    tty.setraw(slave)  # no "\n" -> "\r\n": the bytes exactly as written
    child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    out = child.stdout.read()
    status = child.wait()
    sys.stdout.buffer.write(out + terminal)
    return status


if __name__ == "__main__":
    sys.exit(main())
