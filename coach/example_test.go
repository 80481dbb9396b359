package coach_test

import (
	"fmt"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/posture"
)

func ExampleSession() {
	// The daemon passes time.Now(); a fixed clock keeps the example stable.
	start := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	baseline := 50.0 // from calibration; nil when not calibrated
	p, err := coach.NewSession(coach.DefaultConfig(), coach.SessionOptions{BaselineNeckAngleDeg: &baseline, Calibrated: true}, start)
	if err != nil {
		panic(err)
	}
	// The shell shows the notices and keeps the records it is asked to.
	show := func(effects []coach.Effect) {
		for _, e := range effects {
			switch e := e.(type) {
			case coach.Show:
				fmt.Printf("show: %s\n%s\n\n", e.Title, e.Body)
			case coach.Record:
				fmt.Printf("record: +%v %s\n", e.Meta().At.Sub(start), e.Meta().Kind)
			}
		}
	}
	fl := func(x float64) *float64 { return &x }

	// A minute of forward head posture, one verdict every 10 s.
	hunched := posture.Verdict{State: posture.ForwardHead, Severity: 0.6, Calibrated: true,
		ForwardCM: fl(4.2), NeckAngleDeg: fl(41)}
	for t := time.Duration(0); t <= time.Minute; t += 10 * time.Second {
		show(p.Sample(start.Add(t), hunched))
	}
	// The user sits up 20 s after the reminder and stays upright.
	upright := posture.Verdict{State: posture.Upright, Calibrated: true}
	for t := 70 * time.Second; t <= 90*time.Second; t += 5 * time.Second {
		show(p.Sample(start.Add(t), upright))
	}
	// The daemon also ticks between samples.
	show(p.Tick(start.Add(95 * time.Second)))

	st := p.Status(start.Add(95 * time.Second))
	fmt.Printf("phase=%s load=%v of %v breaks=%d/%d\n", st.Phase, st.Load, st.Budget, st.BreaksToday, st.MaxBreaksPerDay)
	// Output:
	// record: +50s posture_alert
	// show: Head drifting forward
	// Your head has been about 4 cm forward for the last 50 s, neck angle 41° against your 50° baseline.
	// 20-second reset: 5 slow chin tucks, squeeze your shoulder blades together 3 times, take 3 slow belly breaths, then check the top of the screen is at eye height.
	//
	// record: +1m20s posture_corrected
	// show: Nice, that's better
	// Back upright 20 s after the reminder. Keep it up.
	//
	// phase=upright load=42s of 20m0s breaks=0/1
}
