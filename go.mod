module github.com/neckwatch/neckwatch

go 1.22

require gocv.io/x/gocv v0.31.0

require (
	github.com/godbus/dbus/v5 v5.1.0 // indirect
	github.com/spf13/pflag v1.0.5 // indirect
)
