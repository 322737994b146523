package interfaces

// lxd is an app's access to an LXD daemon's API. The real lxd snap
// listens in its $SNAP_COMMON, the default here.
var lxd = &engineClient{name: "lxd", defaultSocket: "$SNAP_COMMON/lxd/unix.socket"}

// lxdSupport is what the lxd snap itself plugs.
var lxdSupport = engineSupport("lxd-support")
