/**
 * The `dev up` screen: the cluster line, one row per service, a log pane (the selected service, or
 * every service with `t`), and a status line. Overlays (help, error details) take the pane's place,
 * so the rows stay in view. Everything is cut to the terminal's width and the frame never grows
 * taller than the terminal: a resize re-renders, a log flood only moves the pane.
 */
import { Box, Text, useInput, useWindowSize, type Key } from "ink";
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { EngineState, ServiceState } from "@devup/engine";
import { isBusy, lastUpdate, oneLine, phaseColor, seconds, shortPod, split, trigger, urls } from "./format.ts";
import type { Line, TuiModel } from "./model.ts";

export interface Controls {
  /** The `r` key; says why not when it cannot (e.g. still starting, or --no-watch). */
  rebuild(service: string): string;
  /** The `s` key. */
  sync(service: string): string;
  /** `q` and Ctrl-C: the CLI stops forwards and watchers, then unmounts. */
  quit(): void;
}

export interface AppProps {
  model: TuiModel;
  controls: Controls;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number } | undefined;
}

type Overlay = "none" | "help" | "details";

const HELP: ReadonlyArray<[string, string]> = [
  ["↑ ↓", "select a service"],
  ["enter", "logs of the selected service (error details when it fails)"],
  ["t", "tail the logs of all services"],
  ["/", "filter the log pane (enter keeps it, esc clears it)"],
  ["f", "follow the log pane on/off (page up/down scroll)"],
  ["d", "details of the selected service: error, hint, image, forwards"],
  ["r", "rebuild and roll out the selected service now"],
  ["s", "sync now: send the files synced since its last build again"],
  ["esc", "close this view, clear the filter"],
  ["q", "quit: stop forwards and watching (the cluster keeps running)"],
];

function useModel(model: TuiModel): number {
  const [version, setVersion] = useState(model.version);
  useEffect(() => model.onChange(() => setVersion(model.version)), [model]);
  return version;
}

/** Re-renders once a second while an update runs, so its running time moves. */
function useClock(busy: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!busy) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [busy]);
  return busy ? Date.now() : now;
}

const pad = (text: string, width: number) => (text.length >= width ? `${text.slice(0, Math.max(0, width - 1))} ` : text.padEnd(width));

function Header({ state }: { state: EngineState }): ReactNode {
  const c = state.cluster;
  const color = c.status === "ready" ? "green" : c.status === "failed" ? "red" : "yellow";
  return (
    <Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate">
          <Text bold>devup</Text> {state.project} · env {state.environment} · namespace {state.namespace} · cluster {c.name}{" "}
          <Text color={color}>{c.status === "unknown" ? "checking" : c.status}</Text>
          {c.context ? ` (${c.context})` : ""}
          {c.status === "failed" && c.message ? `: ${oneLine(c.message)}` : ""}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text dimColor> ? help · q quit</Text>
      </Box>
    </Box>
  );
}

interface Widths {
  name: number;
  phase: number;
  ready: number;
  update: number;
  url: number;
}

function widths(services: ServiceState[]): Widths {
  const name = Math.max(8, ...services.map((s) => s.name.length + 2));
  const url = Math.max(5, ...services.map((s) => urls(s).length + 2));
  return { name, phase: 11, ready: 7, update: 18, url: Math.min(url, 60) };
}

function TableHead({ w }: { w: Widths }): ReactNode {
  return (
    <Text wrap="truncate" dimColor>
      {"  "}
      {pad("SERVICE", w.name)}
      {pad("PHASE", w.phase)}
      {pad("READY", w.ready)}
      {pad("LAST UPDATE", w.update)}
      {pad("URL", w.url)}
      WHY (trigger)
    </Text>
  );
}

function Row({ s, selected, w, now }: { s: ServiceState; selected: boolean; w: Widths; now: number }): ReactNode {
  const why = s.phase === "failing" && s.error ? `✗ ${oneLine(s.error.message)}` : [split(s), trigger(s)].filter(Boolean).join(" · ");
  return (
    <Text wrap="truncate" inverse={selected}>
      {selected ? "› " : "  "}
      <Text bold>{pad(s.name, w.name)}</Text>
      <Text color={phaseColor(s.phase)}>{pad(s.phase, w.phase)}</Text>
      {pad(`${s.readyReplicas}/${s.replicas}`, w.ready)}
      {pad(lastUpdate(s, now), w.update)}
      <Text color="cyan">{pad(urls(s), w.url)}</Text>
      <Text color={s.phase === "failing" ? "red" : undefined}>{why}</Text>
    </Text>
  );
}

function LogLine({ line, all, nameWidth }: { line: Line; all: boolean; nameWidth: number }): ReactNode {
  const owner = all ? <Text color="blue">{pad(line.service || "devup", nameWidth)}</Text> : null;
  const text = oneLine(line.text);
  if (line.kind === "log") {
    return (
      <Text wrap="truncate">
        {owner}
        <Text dimColor>{line.pod ? `${shortPod(line.service, line.pod)} ` : ""}</Text>
        {text}
      </Text>
    );
  }
  const mark = line.kind === "build" ? <Text dimColor>build │ </Text> : line.kind === "error" ? <Text color="red">! </Text> : <Text color="cyan">» </Text>;
  return (
    <Text wrap="truncate" color={line.kind === "error" ? "red" : undefined}>
      {owner}
      {mark}
      {text}
    </Text>
  );
}

function Details({ s, height }: { s: ServiceState | undefined; height: number }): ReactNode {
  if (!s) return <Text>no service selected</Text>;
  const lines: Array<[string, string | undefined]> = [[`${s.name}: ${s.phase} (${s.readyReplicas}/${s.replicas} ready)`, s.phase === "failing" ? "red" : undefined]];
  if (s.error) {
    lines.push([`error: ${s.error.message}`, "red"]);
    for (const d of s.error.details) lines.push([`  ${d}`, undefined]);
    if (s.error.hint) lines.push([`hint: ${s.error.hint}`, "yellow"]);
  } else {
    lines.push(["no error", "green"]);
  }
  if (s.image) lines.push([`image: ${s.image}`, undefined]);
  if (s.release) lines.push([s.release.canary ? `release: ${split(s)} of the ingress traffic (${s.release.stable} is stable; dev promote / dev abort)` : `release: all traffic on ${s.release.stable}`, undefined]);
  if (s.build) lines.push([`build: ${s.build.action} in ${seconds(s.build.durationMs)}`, undefined]);
  if (s.delivery) lines.push([`delivery: ${s.delivery.action}${s.delivery.method ? ` (${s.delivery.method})` : ""} in ${seconds(s.delivery.durationMs)}`, undefined]);
  if (s.trigger.length) lines.push([`last update because of: ${s.trigger.join(", ")}`, undefined]);
  for (const f of s.forwards) lines.push([`forward ${f.url} → ${s.name}:${f.port}: ${f.status}${f.message ? ` (${f.message})` : ""}`, undefined]);
  const shown = lines.flatMap(([text, color]) => oneLine(text).split("\n").map((t) => [t, color] as const)).slice(0, height);
  return (
    <Box flexDirection="column">
      {shown.map(([text, color], i) => (
        <Text key={i} wrap="truncate" color={color}>
          {text}
        </Text>
      ))}
    </Box>
  );
}

function Help({ height }: { height: number }): ReactNode {
  return (
    <Box flexDirection="column">
      {HELP.slice(0, height).map(([key, what]) => (
        <Text key={key} wrap="truncate">
          <Text bold color="cyan">
            {pad(key, 8)}
          </Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}

export function App({ model, controls, size }: AppProps): ReactNode {
  useModel(model);
  const terminal = useWindowSize();
  const { columns, rows } = size ?? terminal;
  const state = model.state;
  const services = Object.values(state.services);
  const now = useClock(services.some(isBusy));

  const [selectedName, setSelected] = useState<string | undefined>(services[0]?.name);
  const [all, setAll] = useState(false);
  const [overlay, setOverlay] = useState<Overlay>("none");
  const [filter, setFilter] = useState("");
  const [typing, setTyping] = useState(false);
  const [anchor, setAnchor] = useState<number | undefined>(undefined); // undefined: following

  const index = Math.max(0, services.findIndex((s) => s.name === selectedName));
  const selected = services[index];
  // Keys that arrive together (↓ then enter) act on the selection the first one made, before a render.
  const current = useRef(selected?.name);
  current.current = selected?.name;

  // The frame is one line shorter than the terminal: a full-height frame would scroll it.
  const height = Math.max(6, rows - 1);
  const tableRows = Math.min(services.length, Math.max(1, height - 8));
  const paneHeight = Math.max(1, height - 4 - tableRows);
  const first = Math.min(Math.max(0, index - tableRows + 1), Math.max(0, services.length - tableRows));

  const needle = filter.toLowerCase();
  const source = all ? model.lines() : selected ? model.lines(selected.name) : [];
  const matching = needle ? source.filter((l) => l.text.toLowerCase().includes(needle) || (all && l.service.toLowerCase().includes(needle))) : source;
  let end = matching.length;
  if (anchor !== undefined) {
    const at = matching.findLastIndex((l) => l.seq <= anchor);
    end = at + 1;
  }
  const visible = matching.slice(Math.max(0, end - paneHeight), end);

  const select = (by: number) => {
    const at = services.findIndex((s) => s.name === current.current);
    const s = services[Math.max(0, Math.min(services.length - 1, (at < 0 ? 0 : at) + by))];
    if (!s) return;
    current.current = s.name;
    setSelected(s.name);
  };
  const scroll = (by: number) => {
    const target = end - 1 + by;
    if (target >= matching.length - 1) setAnchor(undefined);
    else setAnchor(matching[Math.max(0, target)]?.seq ?? 0);
  };

  useInput((input: string, key: Key) => {
    if (key.ctrl && input === "c") return controls.quit();
    if (typing) {
      if (key.return) setTyping(false);
      else if (key.escape) {
        setTyping(false);
        setFilter("");
      } else if (key.backspace || key.delete) setFilter((f) => f.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setFilter((f) => f + input);
      return;
    }
    if (input === "q") return controls.quit();
    if (key.escape) {
      if (overlay !== "none") setOverlay("none");
      else setFilter("");
      return;
    }
    if (input === "?") return setOverlay(overlay === "help" ? "none" : "help");
    const target = services.find((s) => s.name === current.current) ?? selected;
    if (key.upArrow) return select(-1);
    if (key.downArrow) return select(1);
    if (key.pageUp) return scroll(-paneHeight);
    if (key.pageDown) return scroll(paneHeight);
    if (key.return) {
      setAll(false);
      setAnchor(undefined);
      setOverlay(target?.phase === "failing" && overlay !== "details" ? "details" : "none");
      return;
    }
    if (input === "d") return setOverlay(overlay === "details" ? "none" : "details");
    if (input === "t") {
      setAll(true);
      setAnchor(undefined);
      setOverlay("none");
      return;
    }
    if (input === "/") {
      setTyping(true);
      setOverlay("none");
      return;
    }
    if (input === "f") return setAnchor(anchor === undefined ? (matching.at(-1)?.seq ?? 0) : undefined);
    if (target && input === "r") return model.say(controls.rebuild(target.name));
    if (target && input === "s") return model.say(controls.sync(target.name));
  });

  const w = widths(services);
  const nameWidth = Math.max(6, ...services.map((s) => s.name.length + 1));
  const title =
    overlay === "help"
      ? "keys (esc or ? closes)"
      : overlay === "details"
        ? `details: ${selected?.name ?? ""} (esc closes)`
        : `logs: ${all ? "all services" : (selected?.name ?? "")} · ${anchor === undefined ? "following" : "paused (f follows)"}${filter ? ` · filter "${filter}" (${matching.length} lines)` : ""}`;

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header state={state} />
      <TableHead w={w} />
      {services.slice(first, first + tableRows).map((s) => (
        <Row key={s.name} s={s} selected={s.name === selected?.name} w={w} now={now} />
      ))}
      <Text wrap="truncate" dimColor>
        ── {title} {"─".repeat(Math.max(0, columns))}
      </Text>
      <Box flexDirection="column" height={paneHeight} overflow="hidden">
        {overlay === "help" ? (
          <Help height={paneHeight} />
        ) : overlay === "details" ? (
          <Details s={selected} height={paneHeight} />
        ) : (
          visible.map((line) => <LogLine key={line.seq} line={line} all={all} nameWidth={nameWidth} />)
        )}
      </Box>
      {typing ? (
        <Text wrap="truncate">
          /{filter}
          <Text inverse> </Text>
          <Text dimColor> enter keeps the filter · esc clears it</Text>
        </Text>
      ) : (
        <Text wrap="truncate" dimColor>
          {model.notice ? oneLine(model.notice) : "↑↓ select · enter logs · t all · / filter · d details · r rebuild · s sync · ? help · q quit"}
        </Text>
      )}
    </Box>
  );
}
