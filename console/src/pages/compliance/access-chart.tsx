import { t } from "../../i18n/translate";
import { navigate, BASE } from "../../routing/router";
import { formatNumber, formatShortDay } from "../../ui/format";
import { endOfLocalDay, startOfLocalDay, type DealerSeries } from "./activity-data";

/** Close to the card's width on a desktop screen, so the labels keep their CSS size. */
const WIDTH = 1000;
const HEIGHT = 180;
const PLOT = { left: 40, right: 8, top: 12, bottom: 28 };

/** The log of this dealer's accesses on that local day: what a bar stands for. */
export function dayEventsPath(dealerId: string, day: string): string {
  const from = startOfLocalDay(day).toISOString();
  const to = endOfLocalDay(day).toISOString();
  return `/audit?dealerId=${encodeURIComponent(dealerId)}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
}

/** One dealer's accesses per day: allowed from the baseline up, denied stacked on top; each day's bar opens its events. */
export function AccessChart({ series, title }: { series: DealerSeries; title: string }) {
  const max = Math.max(1, ...series.days.map((day) => day.allow + day.deny));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const slot = plotWidth / series.days.length;
  const barWidth = Math.max(2, Math.min(36, slot * 0.6));
  const y = (count: number) => (count / max) * plotHeight;
  const baseline = PLOT.top + plotHeight;
  const labelEvery = Math.ceil(series.days.length / 14);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="group"
      aria-label={t("activity.chartLabel", { title, allow: series.allow, deny: series.deny, days: series.days.length })}>
      <line class="chart-axis" x1={PLOT.left} x2={WIDTH - PLOT.right} y1={baseline} y2={baseline} />
      <line class="chart-grid" x1={PLOT.left} x2={WIDTH - PLOT.right} y1={PLOT.top} y2={PLOT.top} />
      <text class="chart-label" x={PLOT.left - 6} y={PLOT.top + 4} text-anchor="end">{formatNumber(max)}</text>
      <text class="chart-label" x={PLOT.left - 6} y={baseline + 4} text-anchor="end">0</text>
      {series.days.map((day, index) => {
        const x = PLOT.left + index * slot + (slot - barWidth) / 2;
        const allowHeight = y(day.allow);
        const denyHeight = y(day.deny);
        const words = t("activity.dayLabel", { day: formatShortDay(day.day), allow: day.allow, deny: day.deny });
        const path = dayEventsPath(series.dealerId, day.day);
        const open = (event: MouseEvent) => {
          event.preventDefault();
          navigate(path);
        };
        return (
          <g key={day.day}>
            {day.allow + day.deny > 0 && (
              <a href={BASE + path} aria-label={words} onClick={open} class="chart-day">
                <title>{words}</title>
                <rect class="chart-hit" x={PLOT.left + index * slot} y={PLOT.top} width={slot} height={plotHeight} fill="transparent" />
                {day.allow > 0 && <rect class="bar-allow" x={x} y={baseline - allowHeight} width={barWidth} height={allowHeight} />}
                {day.deny > 0 && <rect class="bar-deny" x={x} y={baseline - allowHeight - denyHeight} width={barWidth} height={denyHeight} />}
              </a>
            )}
            {index % labelEvery === 0 && <text class="chart-label" x={x + barWidth / 2} y={HEIGHT - 6} text-anchor="middle">{formatShortDay(day.day)}</text>}
          </g>
        );
      })}
    </svg>
  );
}
