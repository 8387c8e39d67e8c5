package io.ssmedge.agent.meeting;

import java.util.Locale;
import java.util.Map;

/** The meeting report's words in English and Japanese (for plant engineers and managers; plain, no jargon). */
final class MeetingText {
    private static final Map<String, String[]> T = Map.ofEntries(
            // key -> {en, ja}
            Map.entry("title", new String[]{"State pruning: results for the meeting", "状態削減（プルーニング）の結果報告"}),
            Map.entry("subtitle", new String[]{"Model %s · rollout %s · %s to %s", "モデル %s ・ 展開状況 %s ・ %s ～ %s"}),
            Map.entry("summary", new String[]{"Summary", "要約"}),
            Map.entry("cost", new String[]{
                "Cost: pruning %s%% of the model's states (%d of %d kept) cut the time per sensor sample by %s%% (%s → %s µs) and the memory per stream by %s%% (%,d → %,d bytes).",
                "コスト：モデルの状態の%1$s%%を削減し（%3$d個中%2$d個を維持）、センサー1サンプルあたりの処理時間を%4$s%%（%5$s → %6$s µs）、ストリームあたりのメモリを%7$s%%（%8$,d → %9$,d バイト）減らしました。"}),
            Map.entry("cost.none", new String[]{
                "Cost: the original model still serves (%d states); nothing has been saved yet.",
                "コスト：現在も元のモデル（状態%d個）で運転中のため、削減効果はまだありません。"}),
            Map.entry("safety", new String[]{
                "Safety: each of the %d switches to a smaller model was made only after its checks passed on labeled data (the serving model's last check: %,d labeled windows, accuracy %s points, allowed loss %s points)",
                "安全性：小さいモデルへの%d回の切り替えは、いずれもラベル付きデータでの確認に合格してから行いました（現行モデルの最終確認：ラベル付き%,dウィンドウで精度差%sポイント、許容低下%sポイント）"}),
            Map.entry("safety.none", new String[]{
                "Safety: no smaller model has been switched in yet; every candidate is first checked on labeled data",
                "安全性：まだ小さいモデルへの切り替えはありません。候補はすべて、まずラベル付きデータで確認します"}),
            Map.entry("safety.rollbacks", new String[]{
                "; %d automatic rollback%s switched back to the previous model at once when a check failed (%s).",
                "。確認で基準を外れた%1$d件は、直ちに自動で前のモデルに戻しました（%3$s）。"}),
            Map.entry("safety.norollback", new String[]{"; no rollback was needed.", "。ロールバックは発生していません。"}),
            Map.entry("next.done.q", new String[]{
                "Next: keep %s%% in service and watch it; stage %s%% stays quarantined until its cause is understood and an operator retries it.",
                "次の一手：%s%%削減モデルで運転を続けて監視します。%s%%の段階は原因を確認するまで隔離し、再試行は担当者の判断で行います。"}),
            Map.entry("next.done", new String[]{
                "Next: keep %s%% in service and watch it; a further stage needs a new rollout plan.",
                "次の一手：%s%%削減モデルで運転を続けて監視します。さらに削減する場合は新しい展開計画が必要です。"}),
            Map.entry("next.paused", new String[]{
                "Next: decide whether to resume the rollout (paused: %s).",
                "次の一手：展開を再開するか判断してください（一時停止中：%s）。"}),
            Map.entry("next.rolled", new String[]{
                "Next: find the cause of the rollback before retrying stage %s%%; %s%% serves meanwhile.",
                "次の一手：%s%%の段階を再試行する前にロールバックの原因を確認します。それまでは%s%%削減モデルで運転します。"}),
            Map.entry("next.progress", new String[]{
                "Next: the rollout goes on (%s); the next decision comes when enough labeled windows have been collected.",
                "次の一手：展開は継続中です（%s）。十分なラベル付きデータが集まった時点で次の判定を行います。"}),
            Map.entry("pruned", new String[]{"What was pruned and how far", "何をどこまで削減したか"}),
            Map.entry("before", new String[]{"before (original)", "削減前（元のモデル）"}),
            Map.entry("after", new String[]{"now (serving)", "現在（運転中）"}),
            Map.entry("change", new String[]{"change", "変化"}),
            Map.entry("states.total", new String[]{"states kept (all layers)", "維持した状態数（全層）"}),
            Map.entry("states.layer", new String[]{"states per layer", "層ごとの状態数"}),
            Map.entry("step", new String[]{"time per sensor sample (µs)", "1サンプルあたりの処理時間（µs）"}),
            Map.entry("memory", new String[]{"memory per stream (bytes)", "ストリームあたりのメモリ（バイト）"}),
            Map.entry("weights", new String[]{"model weights (bytes)", "モデルの重み（バイト）"}),
            Map.entry("layer", new String[]{"layer", "層"}),
            Map.entry("states", new String[]{"states", "状態数"}),
            Map.entry("chart.layers", new String[]{"States kept per layer", "層ごとの維持した状態数"}),
            Map.entry("quality", new String[]{"Accuracy and what the plant sees", "精度と現場への影響"}),
            Map.entry("accuracy", new String[]{"accuracy (%)", "正解率（%）"}),
            Map.entry("far", new String[]{"false alarms (% of normal windows)", "誤報率（正常ウィンドウに対する%）"}),
            Map.entry("miss", new String[]{"missed faults (% of fault windows)", "見逃し率（異常ウィンドウに対する%）"}),
            Map.entry("far.day", new String[]{"false alarms per day", "1日あたりの誤報"}),
            Map.entry("miss.day", new String[]{"missed fault windows per day", "1日あたりの見逃しウィンドウ"}),
            Map.entry("quality.note", new String[]{
                "Before: %s. Now: the last check of the serving model on labeled data (%s).",
                "削減前：%s。現在：運転中モデルのラベル付きデータでの最終確認（%s）。"}),
            Map.entry("quality.day", new String[]{
                "Per day: %,.0f windows a day, %.1f%% of them faults (%s).",
                "1日あたり：1日%,.0fウィンドウ、うち%.1f%%が異常（%s）。"}),
            Map.entry("quality.noday", new String[]{
                "Counts per day need the number of windows a day: give --windows-per-day (or a sweep made with --streams and --sample-rate).",
                "1日あたりの件数を出すには1日のウィンドウ数が必要です：--windows-per-day を指定してください（または --streams と --sample-rate 付きの sweep 結果）。"}),
            Map.entry("history", new String[]{"Rollout history", "展開の履歴"}),
            Map.entry("chart.history", new String[]{"Share of states pruned in the serving model over time", "運転中モデルの削減率の推移"}),
            Map.entry("serving.pct", new String[]{"serving: states pruned (%)", "運転中：削減率（%）"}),
            Map.entry("time", new String[]{"time (UTC)", "日時（UTC）"}),
            Map.entry("event", new String[]{"event", "出来事"}),
            Map.entry("stage", new String[]{"stage", "段階"}),
            Map.entry("check", new String[]{"check", "確認"}),
            Map.entry("why", new String[]{"what happened and why", "内容と理由"}),
            Map.entry("evidence", new String[]{"evidence in plain words", "判断の根拠"}),
            Map.entry("rollbacks", new String[]{"Rollbacks and why", "ロールバックとその理由"}),
            Map.entry("norollbacks", new String[]{"There was no rollback.", "ロールバックはありませんでした。"}),
            Map.entry("sweep", new String[]{"Test-bench sweep (before the rollout)", "事前評価（展開前のスイープ）"}),
            Map.entry("chart.sweep", new String[]{"Accuracy, false alarms and missed faults against the share of states pruned",
                "削減率に対する正解率・誤報率・見逃し率"}),
            Map.entry("pruned.pct", new String[]{"states pruned (%)", "削減率（%）"}),
            Map.entry("percent", new String[]{"%", "%"}),
            Map.entry("chosen", new String[]{"chosen", "選択"}),
            Map.entry("sweep.note", new String[]{"The sweep's own summary (English):", "スイープの要約（英語の原文）："}),
            Map.entry("reason.note", new String[]{"", "（理由の文は記録の原文のまま表示しています）"}),
            Map.entry("footer", new String[]{"Made by ssm-edge report from %s on %s.", "ssm-edge report が %s から作成（%s）。"}),
            Map.entry("words", new String[]{"Words used here", "用語"}),
            Map.entry("glossary", new String[]{
                "<dt>State</dt><dd>one of the model's internal memory cells; fewer states mean less work and memory per sample.</dd>"
                    + "<dt>Window</dt><dd>a stretch of sensor samples the model judges as one (normal or fault).</dd>"
                    + "<dt>False alarm</dt><dd>a normal window reported as a fault.</dd>"
                    + "<dt>Missed fault</dt><dd>a fault window reported as normal.</dd>"
                    + "<dt>Shadow</dt><dd>the smaller model runs beside the serving one on the same data; its answers are compared, not sent.</dd>"
                    + "<dt>Probation</dt><dd>after a switch, the previous model keeps running beside the new one so that a rollback is instant.</dd>"
                    + "<dt>Rollback</dt><dd>switching back to the previous model automatically when a check fails.</dd>",
                "<dt>状態</dt><dd>モデル内部の記憶セル。数が少ないほど1サンプルあたりの計算とメモリが減ります。</dd>"
                    + "<dt>ウィンドウ</dt><dd>モデルがまとめて判定するセンサーデータの区間（正常か異常か）。</dd>"
                    + "<dt>誤報</dt><dd>正常なのに異常と判定したウィンドウ。</dd>"
                    + "<dt>見逃し</dt><dd>異常なのに正常と判定したウィンドウ。</dd>"
                    + "<dt>並行試験（シャドー）</dt><dd>小さいモデルを運転中のモデルと同じデータで並行して動かし、結果を比較します（出力は送りません）。</dd>"
                    + "<dt>試用運転</dt><dd>切り替え後も前のモデルを並行して動かし、すぐに戻せる状態を保つ期間。</dd>"
                    + "<dt>ロールバック</dt><dd>確認で基準を外れたとき、自動で前のモデルに戻すこと。</dd>"}),
            Map.entry("ev.evidence", new String[]{
                "On %,d labeled windows the new model was %s points %s accurate than the one it would replace (likely between %s and %s points); the allowed loss is %s points, so %s.",
                "ラベル付き%,dウィンドウで、新しいモデルの正解率は置き換え対象より%sポイント%s（おそらく%s～%sポイントの範囲）。許容される低下は%sポイントまでのため、%s。"}),
            Map.entry("ev.less", new String[]{"less", "低い"}),
            Map.entry("ev.more", new String[]{"more", "高い"}),
            Map.entry("ev.pass", new String[]{"it passed", "合格としました"}),
            Map.entry("ev.fail", new String[]{"it failed", "不合格としました"}),
            Map.entry("ev.open", new String[]{"the evidence is not yet enough to decide", "まだ判定できません"}),
            Map.entry("ev.calibration", new String[]{
                "On the %,d calibration windows the pruned model was %s points %s accurate than the original (allowed loss %s points).",
                "事前検証用の%,dウィンドウで、削減モデルの正解率は元のモデルより%sポイント%s（許容低下%sポイント）。"}),
            Map.entry("ev.rates", new String[]{" False alarms %.1f%%, missed faults %.1f%%.", " 誤報率%.1f%%、見逃し率%.1f%%。"}),
            Map.entry("state.done", new String[]{"finished", "完了"}),
            Map.entry("state.paused", new String[]{"paused", "一時停止中"}),
            Map.entry("state.rolled_back", new String[]{"rolled back", "ロールバック後"}),
            Map.entry("state.in_progress", new String[]{"in progress", "進行中"}),
            Map.entry("state.calibrating", new String[]{"calibrating", "事前検証中"}),
            Map.entry("state.shadow", new String[]{"shadow test", "並行試験中"}),
            Map.entry("state.probation", new String[]{"probation", "試用運転中"}),
            Map.entry("state.monitoring", new String[]{"monitoring", "監視中"}),
            Map.entry("type.stage_started", new String[]{"stage started", "段階開始"}),
            Map.entry("type.gate_passed", new String[]{"check passed", "確認に合格"}),
            Map.entry("type.gate_failed", new String[]{"check failed", "確認で不合格"}),
            Map.entry("type.promoted", new String[]{"switched to smaller model", "小さいモデルに切り替え"}),
            Map.entry("type.inconclusive", new String[]{"not yet decided", "判定保留"}),
            Map.entry("type.paused", new String[]{"paused", "一時停止"}),
            Map.entry("type.resumed", new String[]{"resumed", "再開"}),
            Map.entry("type.rolled_back", new String[]{"rolled back", "ロールバック"}),
            Map.entry("type.quarantined", new String[]{"stage quarantined", "段階を隔離"}),
            Map.entry("type.drift", new String[]{"input drift", "入力データの変化"}),
            Map.entry("type.done", new String[]{"finished", "完了"}),
            Map.entry("gate.calibration", new String[]{"calibration", "事前検証"}),
            Map.entry("gate.shadow", new String[]{"shadow", "並行試験"}),
            Map.entry("gate.probation", new String[]{"probation", "試用運転"}),
            Map.entry("gate.monitoring", new String[]{"monitoring", "監視"}));

    private final int lang;

    MeetingText(String lang) {
        if (!lang.equals("en") && !lang.equals("ja")) {
            throw new IllegalArgumentException("--lang: expected ja or en, got '" + lang + "'");
        }
        this.lang = lang.equals("ja") ? 1 : 0;
    }

    String code() {
        return lang == 1 ? "ja" : "en";
    }

    String t(String key) {
        String[] v = T.get(key);
        return v == null ? key : v[lang];
    }

    String f(String key, Object... args) {
        return String.format(Locale.ROOT, t(key), args);
    }

    /** The translated name of an event type, gate or state; unknown names are shown as they are. */
    String name(String prefix, String value) {
        String[] v = T.get(prefix + "." + value);
        return v == null ? value : v[lang];
    }
}
