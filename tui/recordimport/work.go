package recordimport

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"jxjy/server/domain"
	"jxjy/tui/common"
	"jxjy/tui/pane"
	"jxjy/tui/textwidth"
)

// workTimeout bounds one upload and the server's work on it; far above
// what 10 MB and 20,000 rows need on the slowest link, it only ends work
// that hangs.
const workTimeout = 30 * time.Minute

// progressEvery spaces progress redraws, which cost bytes on slow links.
const progressEvery = 100 * time.Millisecond

// kind is what a piece of work does.
type kind int

const (
	validating kind = iota
	importing
	savingTemplate
	savingReport
)

// verb names the work for its progress screen.
func (k kind) verb() string {
	switch k {
	case validating:
		return "正在校验："
	case importing:
		return "正在入库："
	case savingTemplate:
		return "正在下载模板："
	}
	return "正在生成错误报告："
}

// stages are the steps the server reports for the work, in order.
func (k kind) stages() []domain.ImportStage {
	switch k {
	case importing:
		// The server stores the validation it keeps: nothing is uploaded.
		return []domain.ImportStage{domain.StageValidate, domain.StageStore}
	case savingTemplate, savingReport:
		return nil
	}
	return []domain.ImportStage{domain.StageUpload, domain.StageRead, domain.StageValidate}
}

// job is the work running now.
type job struct {
	kind   kind
	name   string // the file uploaded or saved
	at     domain.ImportProgress
	cancel context.CancelFunc
}

// event is one message of a job: progress, or its end with what it made.
type event struct {
	to     common.ScreenID
	events <-chan event
	at     domain.ImportProgress
	end    bool

	kind   kind
	report domain.ImportReport
	result domain.ImportResult
	path   string // the file checked, or saved
	err    error
}

// run starts work off the UI goroutine and returns the command that
// delivers its events: progress now and then (at most one waits, so a slow
// screen skips some), and the end, which always has room, so work whose
// screen was closed still finishes and goes away.
func run(to common.ScreenID, k kind, work func(report func(domain.ImportProgress)) event) tea.Cmd {
	events := make(chan event, 2)
	go func() {
		var last time.Time
		var lastStage domain.ImportStage
		report := func(p domain.ImportProgress) {
			if p.Stage == lastStage && time.Since(last) < progressEvery && (p.Total == 0 || p.Done < p.Total) {
				return
			}
			last, lastStage = time.Now(), p.Stage
			if len(events) == 0 {
				events <- event{to: to, at: p}
			}
		}
		end := work(report)
		end.to, end.end, end.kind = to, true, k
		events <- end
		close(events)
	}()
	return listen(events)
}

// listen waits for the next event of a job.
func listen(events <-chan event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return nil
		}
		ev.events = events
		return ev
	}
}

// workView is the progress screen: the file, the steps with the current
// one marked, the current step's bar and its numbers.
func (m *Model) workView() string {
	st := m.c.Styles
	j := m.job
	lines := []string{textwidth.Truncate(j.kind.verb()+j.name, m.width, st.Ellipsis)}
	if stages := j.kind.stages(); len(stages) > 0 {
		current := 0
		for i, s := range stages {
			if s == j.at.Stage {
				current = i
			}
		}
		steps := make([]string, len(stages))
		for i, s := range stages {
			// The current step is bracketed, for terminals without colour.
			switch {
			case i < current:
				steps[i] = st.Success.Render(" " + s.Label() + " ")
			case i == current:
				steps[i] = st.Notice.Render("[" + s.Label() + "]")
			default:
				steps[i] = st.Muted.Render(" " + s.Label() + " ")
			}
		}
		lines = append(lines, textwidth.Truncate(strings.Join(steps, " "), m.width, st.Ellipsis))
	}
	fraction, numbers := 0.0, m.c.Busy()
	at := j.at
	switch {
	case at.Stage == domain.StageUpload && at.Total > 0:
		fraction = float64(at.Done) / float64(at.Total)
		numbers = fmt.Sprintf("%s / %s  %3.0f%%", domain.FormatBytes(at.Done), domain.FormatBytes(at.Total), fraction*100)
	case at.Stage == domain.StageRead:
		numbers = fmt.Sprintf("已读取 %d 行", at.Done)
	case at.Total > 0:
		fraction = float64(at.Done) / float64(at.Total)
		numbers = fmt.Sprintf("%d / %d 行  %3.0f%%", at.Done, at.Total, fraction*100)
	}
	lines = append(lines, pane.Bar(st, fraction, m.width), numbers, st.Muted.Render("esc 取消"))
	return strings.Join(lines, "\n")
}
