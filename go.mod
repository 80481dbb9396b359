module github.com/neckwatch/neckwatch

go 1.22

require (
	github.com/BurntSushi/toml v1.5.0
	github.com/gen2brain/beeep v0.11.1
	github.com/godbus/dbus/v5 v5.1.0
	github.com/spf13/pflag v1.0.5
	gocv.io/x/gocv v0.31.0
)

require (
	git.sr.ht/~jackmordaunt/go-toast v1.1.2 // indirect
	github.com/esiqveland/notify v0.13.3 // indirect
	github.com/go-ole/go-ole v1.3.0 // indirect
	github.com/jackmordaunt/icns/v3 v3.0.1 // indirect
	github.com/nfnt/resize v0.0.0-20180221191011-83c6a9932646 // indirect
	github.com/sergeymakinen/go-bmp v1.0.0 // indirect
	github.com/sergeymakinen/go-ico v1.0.0-beta.0 // indirect
	github.com/tadvi/systray v0.0.0-20190226123456-11a2b8fa57af // indirect
	golang.org/x/sys v0.30.0 // indirect
)
