// Reference oracle for the schedule differential test: answers queries with the real
// robfig/cron v3 library (Debian's golang-github-robfig-cron-dev) and Go's time package, applying
// the Kubernetes CronJob rules around them (schedule/timeZone validation, TZ= prefix, the v2
// controller's missed-slot decision). Reads one query per line on stdin, writes one answer line.
//
// Queries (tab-separated; text fields hex-encoded so any bytes survive):
//
//	next   <hex schedule> <hex zone> <from unix s> <from ns> <count>
//	missed <hex schedule> <hex zone> <created unix s> <last unix s|-> <deadline s|-> <now unix s> <now ns>
//
// Answers:
//
//	bad-schedule | bad-zone
//	ok <unix>/<RFC3339 in zone> ... [none|hang]  (none: robfig returned the zero time)
//	start=<unix|-> late=<unix|-> many=<0|1> err=<0|1> requeue=<ns|->
//	hang
//
// robfig's Next can loop forever where a zone skipped a whole day (Kwajalein 1993). After a
// Next call runs longer than hangAfter the answer ends in "hang" and the program exits with
// status 3 (the spinning goroutine cannot be stopped); the caller restarts it after that query.
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	cron "github.com/robfig/cron"
)

var zonePart = regexp.MustCompile(`^[A-Za-z\.\-_0-9+]{1,14}$`)

const hangAfter = 2 * time.Second

type hung struct{}

// guarded runs Next under a time limit; it panics with hung{} when robfig does not return.
type guarded struct{ cron.Schedule }

func (g guarded) Next(t time.Time) time.Time {
	ch := make(chan time.Time, 1)
	go func() { ch <- g.Schedule.Next(t) }()
	select {
	case r := <-ch:
		return r
	case <-time.After(hangAfter):
		panic(hung{})
	}
}

// Kubernetes validateTimeZone, then Go's LoadLocation.
func loadZone(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "Local") {
		return nil, false
	}
	for _, part := range strings.Split(name, "/") {
		if part == "." || part == ".." || strings.HasPrefix(part, "-") || !zonePart.MatchString(part) {
			return nil, false
		}
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// Kubernetes validateScheduleFormat (new objects), then the controller's formatSchedule.
func parse(spec, zone string) (cron.Schedule, *time.Location, string) {
	if _, err := cron.ParseStandard(spec); err != nil || strings.Contains(spec, "TZ") {
		return nil, nil, "bad-schedule"
	}
	loc, ok := loadZone(zone)
	if !ok {
		return nil, nil, "bad-zone"
	}
	s, err := cron.ParseStandard("TZ=" + zone + " " + spec)
	if err != nil {
		return nil, nil, "bad-schedule"
	}
	return guarded{s}, loc, ""
}

func next(f []string) (result string) {
	s, loc, bad := parse(f[0], f[1])
	if bad != "" {
		return bad
	}
	t := time.Unix(atoi(f[2]), atoi(f[3]))
	var out []string
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(hung); !ok {
				panic(r)
			}
			result = "ok " + strings.Join(append(out, "hang"), " ")
			mustExit = true
		}
	}()
	for i := atoi(f[4]); i > 0; i-- {
		t = s.Next(t)
		if t.IsZero() {
			out = append(out, "none")
			break
		}
		out = append(out, fmt.Sprintf("%d/%s", t.Unix(), t.In(loc).Format(time.RFC3339)))
	}
	return "ok " + strings.Join(out, " ")
}

type missedKind int

const (
	noneMissed missedKind = iota
	fewMissed
	manyMissed
)

// The controller's mostRecentScheduleTime.
func mostRecent(s cron.Schedule, anchor, now time.Time, deadline *int64) (time.Time, *time.Time, missedKind, error) {
	earliest := anchor
	if deadline != nil {
		if d := now.Add(-time.Second * time.Duration(*deadline)); d.After(earliest) {
			earliest = d
		}
	}
	t1 := s.Next(earliest)
	t2 := s.Next(t1)
	if now.Before(t1) {
		return earliest, nil, noneMissed, nil
	}
	if now.Before(t2) {
		return earliest, &t1, noneMissed, nil
	}
	gap := int64(t2.Sub(t1).Round(time.Second).Seconds())
	if gap < 1 {
		return earliest, nil, noneMissed, fmt.Errorf("time difference between two schedules is less than 1 second")
	}
	n := int64(now.Sub(t1).Seconds())/gap + 1
	var recent time.Time
	for t := s.Next(t1.Add(time.Duration((n-2)*gap) * time.Second)); !t.After(now); t = s.Next(t) {
		recent = t
	}
	kind := fewMissed
	if n > 100 {
		kind = manyMissed
	}
	if recent.IsZero() {
		return earliest, nil, kind, nil
	}
	return earliest, &recent, kind, nil
}

// The controller's nextScheduleTimeDuration.
func requeue(s cron.Schedule, anchor, now time.Time) time.Duration {
	earliest, recent, kind, err := mostRecent(s, anchor, now, nil)
	base := now
	if err == nil && recent != nil {
		base = *recent
	} else if err == nil && kind == noneMissed {
		base = earliest
	}
	return s.Next(base).Add(100 * time.Millisecond).Sub(now)
}

func missed(f []string) string {
	s, _, bad := parse(f[0], f[1])
	if bad != "" {
		return bad
	}
	anchor := time.Unix(atoi(f[2]), 0)
	if f[3] != "-" {
		anchor = time.Unix(atoi(f[3]), 0)
	}
	var deadline *int64
	if f[4] != "-" {
		d := atoi(f[4])
		deadline = &d
	}
	now := time.Unix(atoi(f[5]), atoi(f[6]))
	_, recent, kind, err := mostRecent(s, anchor, now, deadline)
	start, late, many, requeueAfter := "-", "-", 0, "-"
	// OrderOps extension (api.md MissedSchedule): the most recent slot the deadline excluded.
	if deadline != nil {
		if cutoff := now.Add(-time.Second * time.Duration(*deadline)); cutoff.After(anchor) {
			if _, skipped, _, _ := mostRecent(s, anchor, cutoff, nil); skipped != nil {
				late = fmt.Sprint(skipped.Unix())
			}
		}
	}
	if err == nil {
		if recent != nil && kind == manyMissed {
			many = 1
		}
		switch {
		case recent == nil:
			requeueAfter = fmt.Sprint(int64(requeue(s, anchor, now)))
		case deadline != nil && recent.Add(time.Second*time.Duration(*deadline)).Before(now):
			late = fmt.Sprint(recent.Unix())
			requeueAfter = fmt.Sprint(int64(requeue(s, anchor, now)))
		default:
			start = fmt.Sprint(recent.Unix())
			requeueAfter = fmt.Sprint(int64(requeue(s, *recent, now)))
		}
	}
	errFlag := 0
	if err != nil {
		errFlag, late = 1, "-"
	}
	return fmt.Sprintf("start=%s late=%s many=%d err=%d requeue=%s", start, late, many, errFlag, requeueAfter)
}

func atoi(s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return v
}

func unhex(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

var mustExit bool

func answer(line string) (out string) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(hung); ok {
				out, mustExit = "hang", true
				return
			}
			out = fmt.Sprintf("panic %v", r)
		}
	}()
	f := strings.Split(line, "\t")
	args := append([]string{unhex(f[1]), unhex(f[2])}, f[3:]...)
	switch f[0] {
	case "next":
		return next(args)
	case "missed":
		return missed(args)
	}
	return "unknown query"
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		fmt.Fprintln(out, answer(in.Text()))
		if mustExit {
			out.Flush()
			os.Exit(3)
		}
	}
}
