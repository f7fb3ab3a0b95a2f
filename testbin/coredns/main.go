// CoreDNS with only the plugins the test node's cluster DNS uses (scripts/testenv.sh): the upstream binary compiles
// in every plugin (cloud DNS providers, etcd, …), this build is CoreDNS's documented way of choosing plugins — its
// own coremain with the wanted plugin packages imported and the directive order of its plugin.cfg.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/ready"
)

// The subset of CoreDNS's plugin.cfg order (the order plugins handle a query) for the plugins imported above.
var directives = []string{"bind", "ready", "health", "errors", "loadbalance", "cache", "kubernetes", "forward"}

func init() { dnsserver.Directives = directives }

func main() { coremain.Run() }
