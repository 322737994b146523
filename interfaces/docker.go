package interfaces

// docker is an app's access to a docker engine's API. The real docker
// snap listens on /run/docker.sock, the default.
var docker = &engineClient{name: "docker", defaultSocket: "/run/docker.sock"}

// dockerSupport is what the docker engine snap itself plugs.
var dockerSupport = engineSupport("docker-support")
