#!/usr/bin/awk -f
# Summarises `go test -bench` output run with -count N: the median of
# ns/op (shown as ms/op) and of every custom metric, per benchmark.
function median(arr, n,    i, j, t) {
	for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j+1] = arr[j]; arr[j+1] = t }
	return (n % 2) ? arr[(n+1)/2] : (arr[n/2] + arr[n/2+1]) / 2
}
/^Benchmark/ {
	name = $1
	if (!(name in seen)) { seen[name] = 1; order[++names] = name }
	runs[name]++
	for (i = 3; i < NF; i += 2) {
		unit = $(i+1); val = $i
		if (unit == "ns/op") { unit = "ms/op"; val = val / 1e6 }
		key = name SUBSEP unit
		if (!(key in useen)) { useen[key] = 1; units[name] = units[name] " " unit }
		vals[key, runs[name]] = val
	}
}
END {
	for (k = 1; k <= names; k++) {
		name = order[k]; line = sprintf("%-34s median of %d:", name, runs[name])
		n = split(units[name], us, " ")
		for (u = 1; u <= n; u++) {
			delete a; m = 0
			for (r = 1; r <= runs[name]; r++) if ((name, us[u], r) in vals) a[++m] = vals[name, us[u], r]
			if (m) line = line sprintf("  %.3g %s", median(a, m), us[u])
		}
		print line
	}
}
