export { lineChart, PALETTE, type LineChartOptions, type Series } from './line-chart.ts';
export { extent, formatTick, linearTicks, logTicks, makeScale, type Scale } from './scale.ts';
export { escapeXml } from './svg.ts';
