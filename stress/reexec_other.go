//go:build !unix

package stress

import "os"

// alive reports whether process pid may run: on Windows, FindProcess
// opens the process, which fails once it has ended; elsewhere it always
// succeeds, and the binaries of ended processes are left behind.
func alive(pid int) bool {
	_, err := os.FindProcess(pid)
	return err == nil
}
