// crictl-lite: the small subset of crictl that kind and a person debugging a node use,
// for the devup offline node image (cri-tools is not available from the module proxy here).
//
//	crictl inspecti IMAGE...   JSON {"status": {"id", "repoTags", "repoDigests", "size"}}
//	crictl images [-q]         images known to the CRI
//	crictl ps [-a]             containers
//	crictl pods                pod sandboxes
//	crictl version             runtime name and version
//
// The endpoint is $CONTAINER_RUNTIME_ENDPOINT or unix:///run/containerd/containerd.sock.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: crictl (devup crictl-lite) inspecti IMAGE... | images [-q] | ps [-a] | pods | version")
	os.Exit(2)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "crictl: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	args := os.Args[1:]
	// Accept (and ignore) global flags such as --runtime-endpoint X / -r X / --debug.
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-r", "--runtime-endpoint", "-i", "--image-endpoint", "-t", "--timeout", "-c", "--config":
			if args[0] == "-r" || args[0] == "--runtime-endpoint" {
				if len(args) > 1 {
					os.Setenv("CONTAINER_RUNTIME_ENDPOINT", args[1])
				}
			}
			if len(args) > 1 {
				args = args[1:]
			}
		}
		args = args[1:]
	}
	if len(args) == 0 {
		usage()
	}
	endpoint := os.Getenv("CONTAINER_RUNTIME_ENDPOINT")
	if endpoint == "" {
		endpoint = "unix:///run/containerd/containerd.sock"
	}
	conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("connect %s: %v", endpoint, err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rt := runtimeapi.NewRuntimeServiceClient(conn)
	img := runtimeapi.NewImageServiceClient(conn)
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 3, ' ', 0)
	defer w.Flush()

	switch cmd, rest := args[0], args[1:]; cmd {
	case "inspecti":
		if len(rest) == 0 {
			usage()
		}
		for _, ref := range rest {
			resp, err := img.ImageStatus(ctx, &runtimeapi.ImageStatusRequest{Image: &runtimeapi.ImageSpec{Image: ref}})
			if err != nil {
				fail("image status %s: %v", ref, err)
			}
			if resp.Image == nil {
				fail("no such image %q present", ref)
			}
			out := map[string]any{"status": map[string]any{
				"id":          resp.Image.Id,
				"repoTags":    nonNil(resp.Image.RepoTags),
				"repoDigests": nonNil(resp.Image.RepoDigests),
				"size":        fmt.Sprint(resp.Image.Size),
				"pinned":      resp.Image.Pinned,
			}}
			b, _ := json.MarshalIndent(out, "", "  ")
			fmt.Println(string(b))
		}
	case "images", "img":
		quiet := len(rest) > 0 && rest[0] == "-q"
		resp, err := img.ListImages(ctx, &runtimeapi.ListImagesRequest{})
		if err != nil {
			fail("list images: %v", err)
		}
		if quiet {
			for _, i := range resp.Images {
				fmt.Fprintln(w, i.Id)
			}
			return
		}
		fmt.Fprintln(w, "IMAGE\tTAG\tIMAGE ID\tSIZE")
		for _, i := range resp.Images {
			tags := i.RepoTags
			if len(tags) == 0 {
				tags = []string{"<none>:<none>"}
			}
			for _, t := range tags {
				repo, tag := t, "<none>"
				if k := strings.LastIndex(t, ":"); k > strings.LastIndex(t, "/") {
					repo, tag = t[:k], t[k+1:]
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%dMB\n", repo, tag, short(i.Id), i.Size/1_000_000)
			}
		}
	case "ps":
		all := len(rest) > 0 && rest[0] == "-a"
		req := &runtimeapi.ListContainersRequest{}
		if !all {
			req.Filter = &runtimeapi.ContainerFilter{State: &runtimeapi.ContainerStateValue{State: runtimeapi.ContainerState_CONTAINER_RUNNING}}
		}
		resp, err := rt.ListContainers(ctx, req)
		if err != nil {
			fail("list containers: %v", err)
		}
		fmt.Fprintln(w, "CONTAINER\tIMAGE\tCREATED\tSTATE\tNAME\tATTEMPT\tPOD ID")
		for _, c := range resp.Containers {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", short(c.Id), c.Image.GetImage(),
				time.Since(time.Unix(0, c.CreatedAt)).Round(time.Second), strings.TrimPrefix(c.State.String(), "CONTAINER_"),
				c.Metadata.GetName(), c.Metadata.GetAttempt(), short(c.PodSandboxId))
		}
	case "pods":
		resp, err := rt.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{})
		if err != nil {
			fail("list pods: %v", err)
		}
		fmt.Fprintln(w, "POD ID\tCREATED\tSTATE\tNAME\tNAMESPACE")
		for _, p := range resp.Items {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", short(p.Id), time.Since(time.Unix(0, p.CreatedAt)).Round(time.Second),
				strings.TrimPrefix(p.State.String(), "SANDBOX_"), p.Metadata.GetName(), p.Metadata.GetNamespace())
		}
	case "version":
		resp, err := rt.Version(ctx, &runtimeapi.VersionRequest{})
		if err != nil {
			fail("version: %v", err)
		}
		fmt.Printf("Version:  0.1.0\nRuntimeName:  %s\nRuntimeVersion:  %s\nRuntimeApiVersion:  %s\n",
			resp.RuntimeName, resp.RuntimeVersion, resp.RuntimeApiVersion)
	default:
		usage()
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func short(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 13 {
		return id[:13]
	}
	return id
}
