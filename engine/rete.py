"""Rete: the only module that imports durable-rules. Ruleset JSON + one fact -> fired rule names.

Drives the C core directly (no Host, no DSL, no Python actions, no threads of its own) and keeps
it inside the safe zone described in shared/DURABLE-RULES.md:
- one fixed session id per process and a fixed fact id; every evaluation asserts, drains, then
  retracts everything it asserted in `finally` (never `delete_state`, which can segfault);
  a retract names only the fact's sid and id, which is all the C core reads of it (events.c
  looks the stored message up by id and unlinks it from every node it reached), so the fact
  is not parsed a second time;
- facts only (an event is consumed by the first rule it matches);
- one fact per assert call; floats written with a dotted mantissa; NaN and infinity refused;
- the rule name is the result, sliced out of the message without parsing its JSON;
- derived facts are asserted back into the same session until nothing new is concluded, which
  is forward chaining without Python actions;
- one lock around assert, drain and retract, because the C code is not thread-safe;
- an already-observed fact (code 2) means an earlier evaluation leaked: a bug, raised loudly.
The compiler guarantees the other limits (64 branches per ruleset, 64 tests per field, field
hash collisions); rete trusts it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import durable_rules_engine as dre

from engine.errors import EngineError

SID = "w0"                        # one fixed session: 1,025+ live sessions break a ruleset
FACT_ID = "eval"
_EXPONENT = re.compile(r"\d[eE]")
# what follows from the rules fired so far: (kind, name, value) derived facts to assert
Follow = Callable[[set[str]], Iterable[tuple[str, str, str]]]
Shards = tuple[tuple[str, str], ...]   # (ruleset name, its engine JSON) per shard

# error codes from durable-rules' rules.h that the guards make impossible; seen = our bug
ENGINE_ERRORS = {
    "101": "out of memory in the engine",
    "108": "too many rules share one test",
    "113": "join too large",
    "202": "engine JSON parser: unexpected token (Infinity?)",
    "204": "engine JSON parser: unreadable number (exponent without dot?)",
    "302": "fact has too many fields",
    "303": "more than 64 rules true at once in one ruleset",
}


def engine_json(value: Any) -> str:
    """JSON the engine's parser accepts; ValueError on NaN or infinity."""
    text = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return _write(value) if _EXPONENT.search(text) else text   # rare slow path


def _write(value: Any) -> str:
    if isinstance(value, float):                                # 1e-05 -> 1.0e-05
        mantissa, e, exponent = repr(value).partition("e")
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else repr(value)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + _write(v) for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_write(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def profile_payload(fields: Mapping[str, Any]) -> str:
    """The profile fact as the engine reads it; serialised once per partner."""
    return engine_json({**fields, "kind": "profile", "sid": SID, "id": FACT_ID})


_FACT_TAIL = engine_json({"kind": "profile", "sid": SID, "id": FACT_ID})[1:]


def fact_field(name: str, value: Any) -> str:
    """One field of a profile fact, `"name":<engine JSON>`, to be joined by fragments_payload."""
    key = _quoted(name)
    kind = type(value)
    if kind is float and math.isfinite(value):       # the common cases, as json.dumps writes
        text = float.__repr__(value)                 # them, without its general machinery
        return f"{key}:{_write(value) if 'e' in text else text}"
    if kind is int:
        return f"{key}:{int.__repr__(value)}"
    if kind is bool:
        return f"{key}:{'true' if value else 'false'}"
    return f"{key}:{engine_json(value)}"


@functools.lru_cache(maxsize=4096)
def _quoted(name: str) -> str:
    """A field name as a JSON key (names repeat for every profile; sweeps add a few more)."""
    return f'"{name}"' if name.isascii() and name.isidentifier() else \
        json.dumps(name, ensure_ascii=False)


def fragments_payload(fragments: list[str]) -> str:
    """The profile fact from fields serialised by `fact_field` (the same text as
    profile_payload of those fields, without serialising them again)."""
    return "{" + ",".join(fragments) + "," + _FACT_TAIL if fragments else "{" + _FACT_TAIL


def derived_payload(kind: str, name: str, value: str) -> str:
    """A derived fact (`kind` "derived": concluded; "absent": decided not to hold)."""
    return engine_json({"kind": kind, "name": name, "value": value, "sid": SID,
                        "id": derived_id(kind, name, value)})


def derived_id(kind: str, name: str, value: str) -> str:
    return f"{kind}:{name}={value}"


def retraction(fact_id: str) -> str:
    """What retract_fact needs of a fact: its session and id, nothing else."""
    return engine_json({"sid": SID, "id": fact_id})


PROFILE_RETRACTION = retraction(FACT_ID)


def _engine_failure(exc: Exception, doing: str) -> EngineError:
    code = str(exc).rstrip().rsplit(" ", 1)[-1].strip("()")
    meaning = ENGINE_ERRORS.get(code, "unknown engine error")
    return EngineError(f"durable-rules failed while {doing}: error {code} ({meaning}); "
                       "this is a bug in tradepolicy's compiler, please report it")


class Network:
    """A compiled policy loaded into the engine: one ruleset handle per shard."""

    def __init__(self, rulesets: list[tuple[str, dict[str, Any]]],
                 texts: Shards | None = None) -> None:
        """`texts`: network_key(rulesets), when the caller has it (each shard's JSON)."""
        self._lock = threading.Lock()
        self.handles: list[int] = []
        self.join_handles: list[int] = []
        try:
            for (name, rules), (_, text) in zip(rulesets, texts or network_key(rulesets),
                                                strict=True):
                # named by its content, so two live rulesets never share a name
                digest = hashlib.sha256(text.encode()).hexdigest()[:12]
                handle = dre.create_ruleset(f"{name}@{digest}", text)
                self.handles.append(handle)
                if any(len(rule["all"]) > 1 for rule in rules.values()):
                    self.join_handles.append(handle)
        except dre.error as exc:
            self.close()
            raise _engine_failure(exc, "creating a ruleset") from None

    def close(self) -> None:
        with self._lock:
            for handle in self.handles:
                dre.delete_ruleset(handle)
            self.handles, self.join_handles = [], []

    def fire(self, payload: str, follow: Follow | None = None) -> set[str]:
        """Names of the engine rules the profile satisfies; leaves every session empty.

        `payload` is a profile fact as profile_payload or fragments_payload write it, with the
        id FACT_ID: the retraction names that id, so a fact with another id would stay behind.

        Forward chaining: after each round, `follow(fired)` says which derived facts now hold
        (or are now known not to); the new ones are asserted and drained, until none is new."""
        fired: set[str] = set()
        asserted: list[tuple[int, str]] = []
        with self._lock:
            if not self.handles:
                raise EngineError("this network was closed; nothing can fire on it")
            try:
                for handle in self.handles:
                    self._assert(handle, payload, PROFILE_RETRACTION, fired, asserted)
                if follow is not None:
                    self._chain(fired, asserted, follow)
            except dre.error as exc:
                raise _engine_failure(exc, "evaluating a partner") from None
            finally:
                self._retract(asserted)
        return fired

    @staticmethod
    def _retract(asserted: list[tuple[int, str]]) -> None:
        try:
            for handle, undo in reversed(asserted):
                dre.retract_fact(handle, undo)
        except dre.error as exc:
            raise _engine_failure(exc, "retracting a partner's facts") from None

    def _chain(self, fired: set[str], asserted: list[tuple[int, str]], follow: Follow) -> None:
        known: set[tuple[str, str, str]] = set()
        while new := set(follow(fired)) - known:
            known |= new
            for fact in sorted(new):
                text, undo = derived_payload(*fact), retraction(derived_id(*fact))
                for handle in self.join_handles:
                    self._assert(handle, text, undo, fired, asserted)

    @staticmethod
    def _assert(handle: int, text: str, undo: str, fired: set[str],
                asserted: list[tuple[int, str]]) -> None:
        """Assert `text` and record `undo`, its retraction, for the `finally` of fire()."""
        code, state = dre.assert_fact(handle, text)
        asserted.append((handle, undo))
        if code == 2:
            raise EngineError("a fact from an earlier evaluation was never retracted")
        if code != 0:
            return
        started = dre.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:                                 # '{"<rule name>":{"m":{...}}}'
            fired.add(message[2:message.index('"', 2)])
            message = dre.complete_and_start_action(handle, state)


MAX_NETWORKS = 32   # a 30-rule ruleset holds ~250-290 KiB in the engine; keep a bounded few
_NETWORKS: OrderedDict[Shards, Network] = OrderedDict()
_NETWORKS_LOCK = threading.Lock()


def network_key(rulesets: list[tuple[str, dict[str, Any]]]) -> Shards:
    """What a network is: each ruleset's name and engine JSON. Policies that compile to the
    same rules (the same file compiled again, a variant changing only weights or tiers) share one
    network, and the JSON is written once, for the key and the engine both."""
    return tuple((name, engine_json(rules)) for name, rules in rulesets)


def network_for(rulesets: list[tuple[str, dict[str, Any]]], key: Shards | None = None) -> Network:
    """The engine network for these rulesets, created once per process and shared by every
    policy that compiles to them. The least recently used network beyond MAX_NETWORKS is
    deleted from the engine. That frees its rules but not all of it: durable-rules'
    deleteRuleset leaves the session's pools allocated once a fact was asserted (measured:
    89 KiB for a one-rule network, 430 KiB at 20 rules, 1.9 MiB at 100), and delete_state,
    which would free them, can segfault (shared/DURABLE-RULES.md). So a process that
    evaluates thousands of distinct policies grows; one evaluating a few does not. `key` is
    network_key(rulesets), passed by callers that keep it rather than write the JSON again on
    every evaluation."""
    key = key or network_key(rulesets)
    with _NETWORKS_LOCK:
        network = _NETWORKS.get(key)
        if network is None:
            network = _NETWORKS[key] = Network(rulesets, key)
            while len(_NETWORKS) > MAX_NETWORKS:
                _NETWORKS.popitem(last=False)[1].close()
        _NETWORKS.move_to_end(key)
        return network
