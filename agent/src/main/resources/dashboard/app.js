/* ssm-edge dashboard: polls /api/status every 5 s and /api/history every 10 s (a few KB/s at most), keeps trying
   while the agent restarts, and sends operator commands to POST /api/commands/{name}. No network beyond the agent. */
"use strict";
(function () {
  const TOKEN_KEY = "ssmedge.token";
  const LANG_KEY = "ssmedge.lang";
  const STATUS_MS = 5000;
  const HISTORY_MS = 10000;
  const STREAM_ROWS = 50; // the table shows 50 streams; the search asks the agent for the others

  const T = {
    en: {
      "conn.wait": "connecting…", "conn.live": "live", "conn.down": "agent not reachable – retrying",
      "logout": "Log out", "login.title": "ssm-edge dashboard", "login.token": "Access token",
      "login.help": "Enter the token from the agent's http.token_file. It is kept only in this browser tab.",
      "login.open": "Open", "login.wrong": "The agent refused this token. Check http.token_file.",
      "card.model": "Model", "model.version": "version", "rollout.state": "rollout",
      "card.quality": "Live quality (labeled windows)", "q.accuracy": "accuracy", "q.far": "false alarms",
      "q.miss": "missed faults", "q.labels": "labels behind these figures", "limit": "limit",
      "limit.drop": "allowed loss {x} pt",
      "card.speed": "Speed", "s.p50": "latency p50", "s.p99": "latency p99", "s.sps": "samples / s",
      "s.predictions": "predictions", "card.memory": "Memory", "m.stream": "per stream", "m.total": "all streams (state)",
      "m.streams": "streams", "m.heap": "Java heap", "m.rss": "process (RSS)", "m.rssStart": "process after start",
      "h.charts": "Last hour", "c.latency": "Latency sensor → prediction (ms)", "c.rate": "Samples per second",
      "c.quality": "Accuracy, false alarms, missed faults (%)",
      "c.note": "One point every 10 s, kept in the agent's memory; a restart starts a new hour.",
      "h.layers": "States kept per layer", "h.drift": "Drift", "drift.none": "No input drift reported.",
      "h.rollout": "Staged rollout", "rollout.none": "No staged rollout configured on this agent.",
      "rollout.stage": "stage", "rollout.reason": "why", "rollout.of": "of",
      "ev.progress": "evidence {n} of {needed} labeled windows",
      "ev.estimate": "accuracy change {est} points (between {lo} and {hi}); allowed loss {limit} points",
      "cmd.pause": "Pause", "cmd.resume": "Resume", "cmd.rollback": "Roll back", "cmd.retry": "Retry stage",
      "confirm.pause": "Pause the rollout? The serving model stays; no stage moves until you resume.",
      "confirm.resume": "Resume the rollout from where it stopped?",
      "confirm.rollback": "Roll back to the previous model now? Predictions continue without a gap.",
      "confirm.retry-stage": "Retry the current stage from its first check?",
      "confirm.yes": "Yes, do it", "confirm.no": "Cancel",
      "cmd.accepted": "Done: {msg}", "cmd.refused": "Refused: {msg}", "cmd.failed": "Could not reach the agent.",
      "h.streams": "Sensor streams", "streams.search": "Search streams…", "streams.shown": "{shown} of {total} shown",
      "t.stream": "stream", "t.state": "state", "t.last": "last prediction", "t.accuracy": "accuracy",
      "t.labels": "labels", "t.samples": "samples", "t.rejects": "rejected",
      "st.live": "predicting", "st.warm": "filling window", "st.reject": "rejecting",
      "h.rejections": "Recent rejections (error topic)", "r.time": "time", "r.reason": "reason", "r.message": "explanation",
      "r.none": "No message has been rejected.",
      "state.off": "off", "state.calibrating": "calibrating", "state.shadow": "shadow test", "state.probation": "probation",
      "state.monitoring": "monitoring", "state.paused": "paused", "state.rolled_back": "rolled back", "state.done": "finished",
      "type.stage_started": "stage started", "type.gate_passed": "check passed", "type.gate_failed": "check failed",
      "type.promoted": "switched to smaller model", "type.inconclusive": "not yet decided", "type.paused": "paused",
      "type.resumed": "resumed", "type.rolled_back": "rolled back", "type.quarantined": "stage quarantined",
      "type.drift": "input drift", "type.done": "finished"
    },
    ja: {
      "conn.wait": "接続中…", "conn.live": "更新中", "conn.down": "エージェントに接続できません（再試行中）",
      "logout": "ログアウト", "login.title": "ssm-edge ダッシュボード", "login.token": "アクセストークン",
      "login.help": "エージェントの http.token_file に書かれたトークンを入力してください。このタブの中だけに保存されます。",
      "login.open": "開く", "login.wrong": "このトークンは受け付けられませんでした。http.token_file を確認してください。",
      "card.model": "モデル", "model.version": "バージョン", "rollout.state": "段階展開",
      "card.quality": "現在の判定品質（ラベル付き）", "q.accuracy": "正解率", "q.far": "誤報率",
      "q.miss": "見逃し率", "q.labels": "根拠となるラベル数", "limit": "上限",
      "limit.drop": "許容低下 {x} pt",
      "card.speed": "処理速度", "s.p50": "遅延 p50", "s.p99": "遅延 p99", "s.sps": "サンプル／秒",
      "s.predictions": "予測数", "card.memory": "メモリ", "m.stream": "ストリームあたり", "m.total": "全ストリーム（状態）",
      "m.streams": "ストリーム数", "m.heap": "Java ヒープ", "m.rss": "プロセス（RSS）", "m.rssStart": "起動直後のプロセス",
      "h.charts": "直近1時間", "c.latency": "センサー → 予測の遅延（ms）", "c.rate": "1秒あたりのサンプル数",
      "c.quality": "正解率・誤報率・見逃し率（%）",
      "c.note": "10秒ごとに1点、エージェントのメモリに保持します。再起動すると新しく記録を始めます。",
      "h.layers": "層ごとの維持した状態数", "h.drift": "入力データの変化", "drift.none": "入力データの変化は報告されていません。",
      "h.rollout": "段階展開", "rollout.none": "このエージェントには段階展開が設定されていません。",
      "rollout.stage": "段階", "rollout.reason": "理由", "rollout.of": "／",
      "ev.progress": "根拠：ラベル付き {n} ／ 必要 {needed} ウィンドウ",
      "ev.estimate": "正解率の変化 {est} ポイント（{lo} ～ {hi}）、許容低下 {limit} ポイント",
      "cmd.pause": "一時停止", "cmd.resume": "再開", "cmd.rollback": "ロールバック", "cmd.retry": "段階を再試行",
      "confirm.pause": "段階展開を一時停止しますか？運転中のモデルはそのままで、再開するまで段階は進みません。",
      "confirm.resume": "止まったところから段階展開を再開しますか？",
      "confirm.rollback": "今すぐ前のモデルに戻しますか？予測は途切れずに続きます。",
      "confirm.retry-stage": "現在の段階を最初の確認からやり直しますか？",
      "confirm.yes": "実行する", "confirm.no": "キャンセル",
      "cmd.accepted": "実行しました：{msg}", "cmd.refused": "実行できません：{msg}", "cmd.failed": "エージェントに接続できませんでした。",
      "h.streams": "センサーストリーム", "streams.search": "ストリームを検索…", "streams.shown": "{total} 件中 {shown} 件を表示",
      "t.stream": "ストリーム", "t.state": "状態", "t.last": "最新の予測", "t.accuracy": "正解率",
      "t.labels": "ラベル数", "t.samples": "サンプル数", "t.rejects": "拒否",
      "st.live": "予測中", "st.warm": "ウィンドウ蓄積中", "st.reject": "拒否のみ",
      "h.rejections": "最近の拒否メッセージ（エラートピック）", "r.time": "日時", "r.reason": "理由", "r.message": "説明",
      "r.none": "拒否されたメッセージはありません。",
      "state.off": "なし", "state.calibrating": "事前検証中", "state.shadow": "並行試験中", "state.probation": "試用運転中",
      "state.monitoring": "監視中", "state.paused": "一時停止中", "state.rolled_back": "ロールバック後", "state.done": "完了",
      "type.stage_started": "段階開始", "type.gate_passed": "確認に合格", "type.gate_failed": "確認で不合格",
      "type.promoted": "小さいモデルに切り替え", "type.inconclusive": "判定保留", "type.paused": "一時停止",
      "type.resumed": "再開", "type.rolled_back": "ロールバック", "type.quarantined": "段階を隔離",
      "type.drift": "入力データの変化", "type.done": "完了"
    }
  };

  let lang = "ja";
  let status = null;
  let started = null;
  let history = [];
  let lastHistoryMs = 0;
  let charts = {};
  let statusTimer = null;
  let historyTimer = null;
  let search = "";

  const $ = (id) => document.getElementById(id);
  const t = (key, vars) => {
    let s = (T[lang] && T[lang][key]) || T.en[key] || key;
    if (vars) { for (const k in vars) { s = s.replace("{" + k + "}", vars[k]); } }
    return s;
  };
  const text = (id, v) => { const e = $(id); if (e) { e.textContent = v; } };
  const pct = (v) => (v === null || v === undefined || !isFinite(v)) ? "–" : (100 * v).toFixed(1) + " %";
  const ms = (v) => (v === null || v === undefined || !isFinite(v)) ? "–" : Number(v).toFixed(2);
  const int = (v) => (v === null || v === undefined) ? "–" : Number(v).toLocaleString("en-US");
  const bytes = (v) => {
    if (v === null || v === undefined || v < 0) { return "–"; }
    if (v < 10000) { return Number(v).toLocaleString("en-US") + " B"; }
    if (v < 1e7) { return (v / 1024).toFixed(1) + " KiB"; }
    return (v / 1048576).toFixed(1) + " MiB";
  };
  const when = (iso) => iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : "";

  // ---------------------------------------------------------------- language

  function applyLang() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
    $("lang-toggle").textContent = lang === "ja" ? "English" : "日本語";
    setConn($("conn").dataset.state);
    if (status) { render(status); }
    buildCharts();
  }

  // ---------------------------------------------------------------- token and requests

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

  function headers() {
    const h = {};
    if (token()) { h.Authorization = "Bearer " + token(); }
    return h;
  }

  function showLogin(wrong) {
    $("login").hidden = false;
    $("login-error").hidden = !wrong;
    $("login-error").textContent = wrong ? t("login.wrong") : "";
    $("login-token").focus();
  }

  function setConn(state) {
    $("conn").dataset.state = state;
    $("conn-text").textContent = t("conn." + state);
  }

  async function getJson(path) {
    const r = await fetch(path, { headers: headers(), cache: "no-store" });
    if (r.status === 401) { const e = new Error("unauthorized"); e.auth = true; throw e; }
    if (!r.ok) { throw new Error("HTTP " + r.status); }
    return r.json();
  }

  async function pollStatus() {
    clearTimeout(statusTimer);
    try {
      const q = "streams_limit=" + STREAM_ROWS + (search ? "&stream_filter=" + encodeURIComponent(search) : "");
      const s = await getJson("/api/status?" + q);
      $("login").hidden = true;
      if (started !== null && s.started !== started) { history = []; lastHistoryMs = 0; pollHistory(); } // the agent restarted
      started = s.started;
      status = s;
      setConn("live");
      render(s);
      statusTimer = setTimeout(pollStatus, STATUS_MS);
    } catch (e) {
      if (e.auth) { setConn("wait"); showLogin(!!token()); return; }
      setConn("down");
      statusTimer = setTimeout(pollStatus, STATUS_MS); // keeps trying while the agent restarts
    }
  }

  async function pollHistory() {
    clearTimeout(historyTimer);
    try {
      const h = await getJson("/api/history?since=" + lastHistoryMs);
      for (const p of h.points) { history.push(p); lastHistoryMs = Math.max(lastHistoryMs, p[0]); }
      const cutoff = Date.now() - 3600 * 1000;
      while (history.length && history[0][0] < cutoff) { history.shift(); }
      updateCharts();
    } catch (e) { /* the status poll shows the connection state */ }
    historyTimer = setTimeout(pollHistory, HISTORY_MS);
  }

  // ---------------------------------------------------------------- rendering

  function limitCell(id, value, limit, higherIsWorse) {
    const e = $(id);
    if (limit === undefined || limit === null) { e.textContent = ""; return false; }
    e.textContent = t("limit") + (higherIsWorse ? " ≤ " : " ≥ ") + (100 * limit).toFixed(1) + " %";
    return value !== null && value !== undefined && (higherIsWorse ? value > limit : value < limit);
  }

  function render(s) {
    const m = s.model || {};
    text("model-name", m.name || "–");
    text("model-stage", m.stage || "–");
    text("model-version", (m.version || "–").substring(0, 23));
    text("model-summary", m.summary || "");
    const ro = s.rollout && s.rollout.state && s.rollout.state !== "off" ? s.rollout : null;
    text("rollout-state", ro ? t("state." + ro.state) : t("state.off"));

    const live = s.live_accuracy || {};
    text("acc", pct(live.accuracy));
    text("far", pct(live.false_alarm_rate));
    text("miss", pct(live.miss_rate));
    text("labels", int(live.labeled_predictions));
    const lim = ro && ro.limits ? ro.limits : {};
    limitCell("acc-limit", null, undefined, false);
    if (lim.max_accuracy_drop !== undefined) {
      $("acc-limit").textContent = t("limit.drop", { x: (100 * lim.max_accuracy_drop).toFixed(1) });
    }
    $("far").classList.toggle("over", limitCell("far-limit", live.false_alarm_rate, lim.max_false_alarm_rate, true));
    $("miss").classList.toggle("over", limitCell("miss-limit", live.miss_rate, lim.max_miss_rate, true));

    const met = s.metrics || {};
    const e2e = (met.latency_ms || {}).end_to_end || {};
    text("p50", ms(e2e.p50));
    text("p99", ms(e2e.p99));
    text("sps", met.samples_per_second === undefined ? "–" : Number(met.samples_per_second).toFixed(1));
    text("predictions", int(met.predictions));
    const mem = met.memory || {};
    const streams = s.streams || [];
    const nStreams = s.streams_total !== undefined ? s.streams_total : streams.length;
    text("mem-stream", streams.length ? bytes(streams[0].state_bytes) : (ro && ro.serving ? bytes(ro.serving.bytes_per_stream) : "–"));
    text("mem-total", bytes(mem.state_bytes_total));
    text("streams-count", int(nStreams));
    text("mem-heap", bytes(mem.heap_used_bytes));
    text("mem-rss", bytes(mem.rss_bytes));
    text("mem-rss-start", bytes(mem.rss_at_start_bytes));

    renderLayers(s, ro);
    renderDrift(s, ro);
    renderRollout(ro);
    renderStreams(s, streams);
    renderRejections(s.rejections_recent || []);
  }

  function renderLayers(s, ro) {
    const box = $("layers");
    const kept = ro && ro.serving ? ro.serving.kept_states_per_layer : (s.model && s.model.states_per_layer);
    const full = ro && ro.original ? ro.original.kept_states_per_layer : (s.model && s.model.states_per_layer);
    box.textContent = "";
    if (!kept) { box.textContent = "–"; return; }
    kept.forEach((k, i) => {
      const f = full && full[i] ? full[i] : k;
      const row = document.createElement("div");
      row.className = "row";
      const name = document.createElement("span");
      name.textContent = (lang === "ja" ? "層 " : "layer ") + i;
      const bar = document.createElement("div");
      bar.className = "bar";
      bar.title = k + " / " + f;
      const fill = document.createElement("span");
      fill.style.width = (100 * k / f) + "%";
      bar.appendChild(fill);
      const num = document.createElement("span");
      num.textContent = k + " / " + f;
      row.append(name, bar, num);
      box.appendChild(row);
    });
  }

  function renderDrift(s, ro) {
    const box = $("drift");
    const items = [];
    const d = s.drift || (ro && ro.drift);
    if (d) { items.push(typeof d === "string" ? d : (d.reason || JSON.stringify(d))); }
    if (ro && ro.events) { ro.events.filter((e) => e.type === "drift").slice(-3).reverse().forEach((e) => items.push(when(e.time) + " — " + e.reason)); }
    box.textContent = "";
    if (!items.length) { box.textContent = t("drift.none"); return; }
    const ul = document.createElement("ul");
    items.forEach((x) => { const li = document.createElement("li"); li.textContent = x; ul.appendChild(li); });
    box.appendChild(ul);
  }

  function eventClass(type) {
    if (type === "promoted" || type === "done" || type === "gate_passed") { return "good"; }
    if (type === "rolled_back" || type === "gate_failed" || type === "quarantined") { return "bad"; }
    if (type === "paused" || type === "drift" || type === "inconclusive") { return "warn"; }
    return "info";
  }

  function evidenceText(e) {
    if (e.estimate === undefined || e.limit === undefined) { return ""; }
    const f = (v) => (v >= 0 ? "+" : "") + (100 * v).toFixed(1);
    return t("ev.estimate", { est: f(-e.estimate), lo: f(-(e.upper !== undefined ? e.upper : e.estimate)),
      hi: f(-(e.lower !== undefined ? e.lower : e.estimate)), limit: (100 * e.limit).toFixed(1) }) + (e.n ? " · n = " + int(e.n) : "");
  }

  function renderRollout(ro) {
    $("rollout-none").hidden = !!ro;
    $("rollout-box").hidden = !ro;
    document.querySelectorAll("button.cmd").forEach((b) => { b.disabled = !ro; });
    if (ro && status && status.commands) { /* agents that list their commands could enable per command */ }
    if (!ro) { return; }
    const st = ro.stage || {};
    text("rollout-stage", st.ratio !== undefined ? st.ratio + " % (" + (st.index || "?") + " " + t("rollout.of") + " " + (st.of || "?") + ")" : "–");
    text("rollout-reason", ro.reason || "–");
    const ev = $("evidence");
    ev.textContent = "";
    if (ro.evidence && ro.evidence.n !== undefined) {
      const p = document.createElement("div");
      p.className = "small";
      p.textContent = (ro.evidence.needed ? t("ev.progress", { n: int(ro.evidence.n), needed: int(ro.evidence.needed) }) + " · " : "") + evidenceText(ro.evidence);
      ev.appendChild(p);
      if (ro.evidence.progress !== undefined) {
        const meter = document.createElement("div");
        meter.className = "meter";
        const fill = document.createElement("span");
        fill.style.width = Math.min(100, 100 * ro.evidence.progress) + "%";
        meter.appendChild(fill);
        ev.appendChild(meter);
      }
    }
    const ol = $("timeline");
    ol.textContent = "";
    (ro.events || []).slice().reverse().forEach((e) => {
      const li = document.createElement("li");
      li.className = eventClass(e.type);
      const w = document.createElement("span");
      w.className = "when";
      w.textContent = when(e.time);
      const b = document.createElement("b");
      b.textContent = t("type." + e.type) + (e.ratio !== undefined ? " · " + e.ratio + " %" : "");
      const r = document.createElement("div");
      r.textContent = e.reason || "";
      li.append(w, b, r);
      const evt = evidenceText(e);
      if (evt) { const d = document.createElement("div"); d.className = "ev"; d.textContent = evt; li.appendChild(d); }
      ol.appendChild(li);
    });
  }

  function renderStreams(s, streams) {
    const tb = $("streams-table").tBodies[0];
    tb.textContent = "";
    const classes = (s.model && s.model.classes) || [];
    streams.forEach((x) => {
      const tr = document.createElement("tr");
      tr.dataset.stream = x.stream;
      const state = x.predictions > 0 ? ["ok", "st.live"] : (x.samples > 0 ? ["wait", "st.warm"] : ["bad", "st.reject"]);
      const cells = [x.stream, null, x.last_class || "–", pct(x.live_accuracy && x.live_accuracy.accuracy),
        int(x.live_accuracy && x.live_accuracy.labeled_predictions), int(x.samples), int(x.rejected)];
      cells.forEach((c, i) => {
        const td = document.createElement("td");
        if (i === 1) {
          const b = document.createElement("span");
          b.className = "badge " + state[0];
          b.textContent = t(state[1]);
          td.appendChild(b);
        } else {
          td.textContent = c;
        }
        if (i === 2 && x.last_class && classes.length && x.last_class !== classes[0]) { td.className = "pred-fault"; }
        tr.appendChild(td);
      });
      tb.appendChild(tr);
    });
    text("streams-shown", t("streams.shown", { shown: streams.length, total: s.streams_total !== undefined ? s.streams_total : streams.length }));
  }

  function renderRejections(list) {
    const tb = $("rejections-table").tBodies[0];
    tb.textContent = "";
    $("rejections-none").hidden = list.length > 0;
    list.slice(0, 20).forEach((r) => {
      const tr = document.createElement("tr");
      [when(r.time), r.stream, r.reason, r.message].forEach((c) => { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
      tb.appendChild(tr);
    });
  }

  // ---------------------------------------------------------------- charts (uPlot, bundled)

  function chartWidth(el) { return Math.max(280, el.clientWidth || 380); }

  function buildCharts() {
    if (typeof uPlot === "undefined") { return; }
    const mk = (id, series, yLabel) => {
      const el = $(id);
      if (charts[id]) { charts[id].destroy(); }
      el.textContent = "";
      charts[id] = new uPlot({
        width: chartWidth(el), height: 220,
        series: [{}].concat(series.map((s) => ({ label: s[0], stroke: s[1], width: 2, dash: s[2], spanGaps: true }))),
        axes: [{}, { label: yLabel, size: 56 }],
        scales: { x: { time: true } }, legend: { show: true }
      }, [[], ...series.map(() => [])], el);
    };
    mk("chart-latency", [["p50", "#0072B2"], ["p99", "#D55E00", [6, 4]]], "ms");
    mk("chart-rate", [[t("s.sps"), "#009E73"]], "/s");
    mk("chart-quality", [[t("q.accuracy"), "#0072B2"], [t("q.far"), "#E69F00", [6, 4]], [t("q.miss"), "#D55E00", [2, 3]]], "%");
    updateCharts();
  }

  function updateCharts() {
    if (!charts["chart-latency"]) { return; }
    const x = history.map((p) => p[0] / 1000);
    const col = (i, scale) => history.map((p) => (p[i] === null ? null : p[i] * (scale || 1)));
    charts["chart-latency"].setData([x, col(1), col(2)]);
    charts["chart-rate"].setData([x, col(3)]);
    charts["chart-quality"].setData([x, col(4, 100), col(5, 100), col(6, 100)]);
  }

  window.addEventListener("resize", () => {
    for (const id in charts) { charts[id].setSize({ width: chartWidth($(id)), height: 220 }); }
  });

  // ---------------------------------------------------------------- commands

  let pending = null;
  document.querySelectorAll("button.cmd").forEach((b) => {
    b.addEventListener("click", () => {
      pending = b.dataset.cmd;
      $("confirm-text").textContent = t("confirm." + pending);
      $("confirm").showModal();
    });
  });
  $("confirm").addEventListener("close", async () => {
    const name = pending;
    pending = null;
    if ($("confirm").returnValue !== "yes" || !name) { return; }
    try {
      const r = await fetch("/api/commands/" + encodeURIComponent(name), { method: "POST", headers: headers() });
      if (r.status === 401) { showLogin(true); return; }
      let body = {};
      try { body = await r.json(); } catch (e) { body = { message: "HTTP " + r.status }; }
      text("cmd-result", t(body.accepted ? "cmd.accepted" : "cmd.refused", { msg: body.message || "" }));
      $("cmd-result").dataset.accepted = body.accepted ? "true" : "false";
    } catch (e) {
      text("cmd-result", t("cmd.failed"));
    }
    pollStatus();
  });

  // ---------------------------------------------------------------- start

  $("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("login-token").value.trim());
    $("login-token").value = "";
    pollStatus();
    pollHistory();
  });
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); status = null; showLogin(false); });
  $("lang-toggle").addEventListener("click", () => { lang = lang === "ja" ? "en" : "ja"; sessionStorage.setItem(LANG_KEY, lang); applyLang(); });
  let searchTimer = null;
  $("stream-search").addEventListener("input", (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { search = e.target.value.trim(); pollStatus(); }, 300);
  });

  lang = sessionStorage.getItem(LANG_KEY) || ((navigator.language || "ja").toLowerCase().startsWith("en") ? "en" : "ja");
  applyLang();
  pollStatus();
  pollHistory();
})();
