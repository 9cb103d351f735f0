package fsname

import "testing"

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"TestX":                   "TestX",
		"TestCounter/lost update": "TestCounter_lost_update",
		"TestJob/a/b.c (d)":       "TestJob_a_b_c_d_",
		"Test-1_2":                "Test-1_2",
		"Tést":                    "T_st",
		"":                        "",
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}
