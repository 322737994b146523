package snap

import (
	"errors"
	"time"

	"gopkg.in/yaml.v3"
)

// ReadInfoYAML parses and validates the content of meta/snap.yaml. Unknown
// keys are ignored, as snapd does, so snaps using newer fields still
// install. Failures are *ValidationError, or a YAML syntax error.
func ReadInfoYAML(data []byte) (*Info, error) {
	info, err := parseInfo(data)
	if err != nil {
		return nil, err
	}
	if err := Validate(info); err != nil {
		return nil, err
	}
	return info, nil
}

func parseInfo(data []byte) (*Info, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlErr(err)
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("invalid snap.yaml: it is empty (it needs at least name and version)")
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, invalid("", "", "the document must be a map of fields, not %s", kindName(root))
	}
	kvs, err := mapEntries("", root)
	if err != nil {
		return nil, err
	}

	info := &Info{
		Type:          TypeApp,
		Confinement:   StrictConfinement,
		Grade:         GradeStable,
		Epoch:         DefaultEpoch(),
		Architectures: []string{"all"},
		Apps:          map[string]*AppInfo{},
		Hooks:         map[string]*HookInfo{},
		Plugs:         map[string]*PlugInfo{},
		Slots:         map[string]*SlotInfo{},
	}
	strs := map[string]*string{
		"name": &info.Name, "version": &info.Version, "summary": &info.Summary,
		"description": &info.Description, "title": &info.Title, "license": &info.License,
		"base": &info.Base,
	}
	var appsNode, hooksNode, plugsNode, slotsNode *yaml.Node
	for _, kv := range kvs {
		if dst, ok := strs[kv.key]; ok {
			if *dst, err = scalar(kv.key, kv.val); err != nil {
				return nil, err
			}
			continue
		}
		var s string
		switch kv.key {
		case "type":
			if s, err = scalar(kv.key, kv.val); s != "" {
				info.Type = Type(s)
			}
		case "confinement":
			if s, err = scalar(kv.key, kv.val); s != "" {
				info.Confinement = Confinement(s)
			}
		case "grade":
			if s, err = scalar(kv.key, kv.val); s != "" {
				info.Grade = s
			}
		case "epoch":
			if info.Epoch, err = epochFromNode(resolve(kv.val)); err != nil {
				err = invalid("epoch", "", "%v", err)
			}
		case "architectures":
			var archs []string
			if archs, err = stringList(kv.key, kv.val); len(archs) > 0 {
				info.Architectures = archs
			}
		case "assumes":
			info.Assumes, err = stringList(kv.key, kv.val)
		case "environment":
			info.Environment, err = envList(kv.key, kv.val)
		case "layout":
			info.Layout, err = nestedStringMap(kv.key, kv.val)
		case "apps":
			appsNode = kv.val
		case "hooks":
			hooksNode = kv.val
		case "plugs":
			plugsNode = kv.val
		case "slots":
			slotsNode = kv.val
		}
		if err != nil {
			return nil, err
		}
	}
	// Plugs and slots first: apps and hooks refer to them.
	if err := parsePlugsSlots(info, plugsNode, slotsNode); err != nil {
		return nil, err
	}
	if err := parseApps(info, appsNode); err != nil {
		return nil, err
	}
	if err := parseHooks(info, hooksNode); err != nil {
		return nil, err
	}
	bindPlugsSlots(info)
	return info, nil
}

func parseApps(info *Info, n *yaml.Node) error {
	kvs, err := mapEntries("apps", n)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		app, err := parseApp(info, kv.key, kv.val)
		if err != nil {
			return err
		}
		info.Apps[kv.key] = app
	}
	return nil
}

func parseApp(info *Info, name string, n *yaml.Node) (*AppInfo, error) {
	field := "apps." + name
	kvs, err := mapEntries(field, n)
	if err != nil {
		return nil, err
	}
	app := &AppInfo{Snap: info, Name: name}
	strs := map[string]*string{
		"command": &app.Command, "daemon": &app.Daemon, "daemon-scope": &app.DaemonScope,
		"stop-command": &app.StopCommand, "reload-command": &app.ReloadCommand,
		"post-stop-command": &app.PostStopCommand, "restart-condition": &app.RestartCondition,
		"stop-mode": &app.StopMode, "install-mode": &app.InstallMode, "refresh-mode": &app.RefreshMode,
		"timer": &app.Timer, "completer": &app.Completer, "bus-name": &app.BusName,
		"common-id": &app.CommonID,
	}
	durations := map[string]*time.Duration{
		"restart-delay": &app.RestartDelay, "start-timeout": &app.StartTimeout,
		"stop-timeout": &app.StopTimeout, "watchdog-timeout": &app.WatchdogTimeout,
	}
	lists := map[string]*[]string{
		"command-chain": &app.CommandChain, "plugs": &app.declaredPlugs, "slots": &app.declaredSlots,
		"before": &app.Before, "after": &app.After, "aliases": &app.Aliases,
	}
	for _, kv := range kvs {
		f := join(field, kv.key)
		if dst, ok := strs[kv.key]; ok {
			*dst, err = scalar(f, kv.val)
		} else if dst, ok := durations[kv.key]; ok {
			*dst, err = duration(f, kv.val)
		} else if dst, ok := lists[kv.key]; ok {
			*dst, err = stringList(f, kv.val)
		} else if kv.key == "environment" {
			app.Environment, err = envList(f, kv.val)
		} else if kv.key == "sockets" {
			app.Sockets, err = nestedStringMap(f, kv.val)
		}
		if err != nil {
			return nil, err
		}
	}
	return app, nil
}

func parseHooks(info *Info, n *yaml.Node) error {
	kvs, err := mapEntries("hooks", n)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		field := "hooks." + kv.key
		hkvs, err := mapEntries(field, kv.val)
		if err != nil {
			return err
		}
		hook := &HookInfo{Snap: info, Name: kv.key}
		for _, hkv := range hkvs {
			f := join(field, hkv.key)
			switch hkv.key {
			case "command-chain":
				hook.CommandChain, err = stringList(f, hkv.val)
			case "plugs":
				hook.declaredPlugs, err = stringList(f, hkv.val)
			case "slots":
				hook.declaredSlots, err = stringList(f, hkv.val)
			case "environment":
				hook.Environment, err = envList(f, hkv.val)
			}
			if err != nil {
				return err
			}
		}
		info.Hooks[kv.key] = hook
	}
	return nil
}
