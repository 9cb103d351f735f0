package main

import (
	"encoding/json"
	"fmt"
	"github.com/interleave-go/interleave/internal/job"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// writeReport prints the table (or JSON, or Markdown) on stdout and writes
// the HTML report and summary.json to o.out.
func writeReport(o options, rows []job.Result, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	summary := struct {
		Seed    uint64       `json:"seed"`
		Shard   string       `json:"shard"`
		OK      bool         `json:"ok"`
		Results []job.Result `json:"results"`
	}{Seed: shardSeed(o), Shard: fmt.Sprintf("%d/%d", o.shard, o.shards), OK: true, Results: rows}
	for _, r := range rows {
		summary.OK = summary.OK && r.OK
	}
	data, err := json.MarshalIndent(summary, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "summary.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	index, err := writeHTML(o, rows)
	if err != nil {
		return err
	}
	switch {
	case o.json:
		_, err = stdout.Write(append(data, '\n'))
		return err
	case o.markdown:
		writeMarkdown(stdout, rows)
	default:
		writeTable(stdout, rows)
	}
	bad := 0
	for _, r := range rows {
		if !r.OK {
			bad++
		}
	}
	if bad == 0 {
		fmt.Fprintf(stderr, "\nevery correct variant passed and every mutant was caught.\n")
	} else {
		fmt.Fprintf(stderr, "\n%d of %d verdicts were not the expected ones.\n", bad, len(rows))
	}
	fmt.Fprintf(stderr, "report: %s\n", index)
	return nil
}

// columns of the table, in order.
// For a failure, executions and time are those it took to find it.
var header = []string{"subject", "variant", "mode", "expected", "verdict", "", "executions", "time to failure", "minimal counterexample"}

func cells(r job.Result) []string {
	mark := "ok"
	if !r.OK {
		mark = "UNEXPECTED"
	}
	execs := fmt.Sprint(r.Executions)
	first, minimal := "-", "-"
	if r.Verdict != "pass" && !strings.HasPrefix(r.Verdict, "error") {
		execs = fmt.Sprintf("%d", r.FirstExecutions)
		first = roundTime(time.Duration(r.FirstSeconds * float64(time.Second))).String()
		minimal = size(r)
	}
	return []string{r.Subject, r.Variant, r.Mode, r.Expected, short(r.Verdict), mark, execs, first, minimal}
}

// roundTime rounds d to the millisecond, or to the microsecond under a
// millisecond, which would otherwise print as 0s.
func roundTime(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// short keeps error verdicts to one line in the table.
func short(v string) string {
	if i := strings.IndexByte(v, '\n'); i >= 0 {
		v = v[:i] + " ..."
	}
	if len(v) > 60 {
		v = v[:57] + "..."
	}
	return v
}

func writeTable(w io.Writer, rows []job.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(header, "\t")))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(cells(r), "\t"))
	}
	tw.Flush()
}

func writeMarkdown(w io.Writer, rows []job.Result) {
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
	for _, r := range rows {
		c := cells(r)
		for i := range c {
			c[i] = strings.ReplaceAll(c[i], "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(c, " | "))
	}
}

// page is one failure's page of the HTML report.
type page struct {
	Row   job.Result
	File  string // the page's file name
	Vis   string // the visualization's file name in the report, if any
	Cells []string
}

var indexTmpl = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>interleave report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222 }
table { border-collapse: collapse } th, td { padding: .3em .8em; border-bottom: 1px solid #ddd; text-align: left }
th { background: #f4f4f4 } .ok { color: #17662b } .bad { color: #b00020; font-weight: bold }
tr.mutant td:nth-child(2) { font-style: italic } code { background: #f4f4f4; padding: 0 .2em }
</style></head><body>
<h1>interleave</h1>
<p>{{if .OK}}<span class="ok">Every correct variant passed and every mutant was caught.</span>{{else}}<span class="bad">Some verdicts were not the expected ones.</span>{{end}}
Seed {{.Seed}}, shard {{.Shard}}, {{.When}}.</p>
<table><tr>{{range .Header}}<th>{{.}}</th>{{end}}<th></th><th>controlled search covered</th></tr>
{{range .Pages}}<tr{{if .Row.Bug}} class="mutant" title="{{.Row.Bug}}"{{end}}>{{range $i, $c := .Cells}}<td{{if eq $i 5}} class="{{if eq $c "ok"}}ok{{else}}bad{{end}}"{{end}}>{{$c}}</td>{{end}}
<td>{{if .File}}<a href="{{.File}}">interleaving</a>{{end}}{{if .Vis}} · <a href="{{.Vis}}">visualization</a>{{end}}</td>
<td>{{with .Row.Coverage}}{{.String}}{{end}}</td></tr>
{{end}}</table>
</body></html>
`))

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Row.Subject}}/{{.Row.Variant}} ({{.Row.Mode}})</title>
<style>body { font-family: system-ui, sans-serif; margin: 2em } pre { background: #f8f8f8; padding: 1em; overflow-x: auto; line-height: 1.35 }</style>
</head><body>
<p><a href="index.html">all results</a></p>
<h1>{{.Row.Subject}}/{{.Row.Variant}}, {{.Row.Mode}} mode: {{.Row.Verdict}}</h1>
{{if .Row.Bug}}<p>Mutant: {{.Row.Bug}}.</p>{{end}}
{{if .Vis}}<p><a href="{{.Vis}}">porcupine's visualization of the history</a></p>{{end}}
<pre>{{.Row.Report}}</pre>
</body></html>
`))

// writeHTML writes index.html and a page per failure, copying each
// visualization next to them, and returns the index's path.
func writeHTML(o options, rows []job.Result) (string, error) {
	var pages []page
	for _, r := range rows {
		p := page{Row: r, Cells: cells(r)}
		if r.Report != "" || strings.HasPrefix(r.Verdict, "error") {
			if p.Row.Report == "" {
				p.Row.Report = r.Verdict
			}
			p.File = fmt.Sprintf("%s-%s-%s.html", r.Subject, r.Variant, r.Mode)
			if r.Visualization != "" {
				name := fmt.Sprintf("%s-%s-%s-visualization.html", r.Subject, r.Variant, r.Mode)
				if data, err := os.ReadFile(r.Visualization); err == nil && os.WriteFile(filepath.Join(o.out, name), data, 0o644) == nil {
					p.Vis = name
				}
			}
			if err := writeTemplate(filepath.Join(o.out, p.File), pageTmpl, p); err != nil {
				return "", err
			}
		}
		pages = append(pages, p)
	}
	ok := true
	for _, r := range rows {
		ok = ok && r.OK
	}
	index := filepath.Join(o.out, "index.html")
	err := writeTemplate(index, indexTmpl, map[string]any{
		"OK": ok, "Seed": shardSeed(o), "Shard": fmt.Sprintf("%d/%d", o.shard, o.shards),
		"When": time.Now().UTC().Format("2006-01-02 15:04 UTC"), "Header": header, "Pages": pages,
	})
	if abs, aerr := filepath.Abs(index); aerr == nil {
		index = abs
	}
	return index, err
}

func writeTemplate(path string, t *template.Template, data any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := t.Execute(f, data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
