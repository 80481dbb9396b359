//go:build linux

package sni

import (
	"bytes"
	"image"
	"image/color"
	_ "image/png" // icons come as PNG
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// Item reads a tray item's properties over D-Bus, as a panel does.
type Item struct {
	conn *dbus.Conn
	name string
	path dbus.ObjectPath
}

// ItemAt is the item exported at path by the connection named busName,
// read over conn.
func ItemAt(conn *dbus.Conn, busName string, path dbus.ObjectPath) Item {
	return Item{conn: conn, name: busName, path: path}
}

// BusName is the bus name the item is read from.
func (it Item) BusName() string { return it.name }

// Object is the item's D-Bus object.
func (it Item) Object() dbus.BusObject { return it.conn.Object(it.name, it.path) }

// Prop reads the item property name (of ItemIface) and fails t if that
// does not work.
func (it Item) Prop(t testing.TB, name string) dbus.Variant {
	t.Helper()
	v, err := it.Object().GetProperty(ItemIface + "." + name)
	if err != nil {
		t.Fatalf("read the item's %s: %v", name, err)
	}
	return v
}

// StringProp reads a string property such as Id, Title or Status.
func (it Item) StringProp(t testing.TB, name string) string {
	t.Helper()
	v := it.Prop(t, name)
	s, ok := v.Value().(string)
	if !ok {
		t.Fatalf("the item's %s is %s, not a string", name, v.Signature())
	}
	return s
}

// Tooltip returns the ToolTip's title and description (signature
// (sa(iiay)ss)).
func (it Item) Tooltip(t testing.TB) (title, text string) {
	t.Helper()
	var tip struct {
		Icon  string
		Image []struct {
			W, H int32
			Pix  []byte
		}
		Title, Text string
	}
	if err := it.Prop(t, "ToolTip").Store(&tip); err != nil {
		t.Fatalf("decode ToolTip: %v", err)
	}
	return tip.Title, tip.Text
}

// Pixmap returns the first IconPixmap entry (a(iiay): width, height and
// ARGB32 pixels in network byte order). It fails t if there is none.
func (it Item) Pixmap(t testing.TB) (w, h int32, argb []byte) {
	t.Helper()
	var pms []struct {
		W, H int32
		Pix  []byte
	}
	if err := it.Prop(t, "IconPixmap").Store(&pms); err != nil {
		t.Fatalf("decode IconPixmap: %v", err)
	}
	if len(pms) == 0 {
		t.Fatal("IconPixmap is empty")
	}
	return pms[0].W, pms[0].H, pms[0].Pix
}

// Menu returns the item's com.canonical.dbusmenu object, from its Menu
// property.
func (it Item) Menu(t testing.TB) dbus.BusObject {
	t.Helper()
	v := it.Prop(t, "Menu")
	path, ok := v.Value().(dbus.ObjectPath)
	if !ok {
		t.Fatalf("the item's Menu is %s, not an object path", v.Signature())
	}
	return it.conn.Object(it.name, path)
}

// PNGPixmap decodes a PNG icon into what the protocol's IconPixmap carries
// for it: width, height and non-premultiplied ARGB32 in network byte order.
// Comparing it with Item.Pixmap tells which icon an item shows.
func PNGPixmap(t testing.TB, pngData []byte) (w, h int32, argb []byte) {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	b := img.Bounds()
	argb = make([]byte, 0, b.Dx()*b.Dy()*4)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.A == 0 {
				c = color.NRGBA{} // fully transparent: the colour is moot
			}
			argb = append(argb, c.A, c.R, c.G, c.B)
		}
	}
	return int32(b.Dx()), int32(b.Dy()), argb
}

// menuLayout is com.canonical.dbusmenu's (ia{sv}av).
type menuLayout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// MenuIDs reads the whole menu with GetLayout and maps the items' labels
// to their ids. Separators appear under "---" (the last one's id).
func MenuIDs(t testing.TB, menu dbus.BusObject) map[string]int32 {
	t.Helper()
	var rev uint32
	var root menuLayout
	if err := menu.Call(MenuIface+".GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	ids := map[string]int32{}
	var walk func(children []dbus.Variant)
	walk = func(children []dbus.Variant) {
		for _, c := range children {
			var l menuLayout
			if err := dbus.Store([]interface{}{c.Value()}, &l); err != nil {
				t.Fatalf("decode menu item: %v", err)
			}
			if label, ok := l.Props["label"].Value().(string); ok {
				ids[label] = l.ID
			} else if typ, _ := l.Props["type"].Value().(string); typ == "separator" {
				ids["---"] = l.ID
			}
			walk(l.Children)
		}
	}
	walk(root.Children)
	return ids
}

// ClickID sends the menu a click on the item with id, as a panel does
// (Event(id, "clicked", "", timestamp)).
func ClickID(t testing.TB, menu dbus.BusObject, id int32) {
	t.Helper()
	err := menu.Call(MenuIface+".Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err
	if err != nil {
		t.Fatalf("dbusmenu Event(%d, clicked): %v", id, err)
	}
}

// Click clicks the menu item labelled label of the item r registered,
// talking over conn: it looks the label up with GetLayout, then sends the
// click. It fails t if there is no such item.
func Click(t testing.TB, conn *dbus.Conn, r Registration, label string) {
	t.Helper()
	menu := r.Item(conn).Menu(t)
	ids := MenuIDs(t, menu)
	id, ok := ids[label]
	if !ok {
		t.Fatalf("no menu item %q in %v", label, ids)
	}
	ClickID(t, menu, id)
}
