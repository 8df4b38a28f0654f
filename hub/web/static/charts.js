// Grouped bar charts drawn as inline SVG, without any library. Every bar
// carries its number three ways: data-value (the raw number, for tests and
// tools), a <title> (read by screen readers and shown on hover) and a visible
// label above the bar, so colour is never the only way to read a chart.
//
//   Charts.groupedBars(figure, {
//     series: ['hem', 'lille'],                     // one colour each, in the legend
//     groups: [{ label: 'janv. 2026', values: [12, 7] }, ...],
//     format: (value) => String(value),            // visible labels and titles
//     caption: 'Familles accueillies ...',         // for screen readers
//   });
'use strict';

const Charts = (() => {
  const SVG = 'http://www.w3.org/2000/svg';
  // Dark enough for white text nearby and distinct from one another.
  const PALETTE = ['#0b3d6e', '#c45a00', '#0a5c2b', '#6b2c91', '#8a6d00', '#9b1111', '#2d6f8f', '#555555'];

  function svgElement(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function colour(index) { return PALETTE[index % PALETTE.length]; }

  function groupedBars(figure, { series, groups, format, caption }) {
    figure.replaceChildren();
    if (groups.length === 0 || series.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = 'Aucune donnée pour cette période.';
      figure.append(empty);
      return;
    }
    const barWidth = Math.max(14, Math.min(48, Math.floor(560 / (groups.length * series.length))));
    const gap = 18;
    const left = 12;
    const top = 22;
    const plotHeight = 200;
    const bottom = 40;
    // Wide enough for the group's label when there are few groups (donor names).
    const groupWidth = Math.max(series.length * barWidth + gap, Math.min(130, Math.floor(560 / groups.length)));
    const width = Math.max(600, left * 2 + groups.length * groupWidth);
    const height = top + plotHeight + bottom;
    const max = Math.max(1, ...groups.flatMap((group) => group.values.map((v) => Number(v) || 0)));

    const svg = svgElement('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': caption });
    svg.append(svgElement('line', { class: 'axis', x1: left, x2: width - left,
      y1: top + plotHeight, y2: top + plotHeight }));
    groups.forEach((group, g) => {
      const x0 = left + g * groupWidth + (groupWidth - series.length * barWidth) / 2;
      const box = svgElement('g', { class: 'group', 'data-group': group.label });
      group.values.forEach((raw, s) => {
        const value = Number(raw) || 0;
        const h = Math.round((value / max) * plotHeight);
        const x = x0 + s * barWidth;
        const label = format(value);
        const rect = svgElement('rect', { class: 'bar', x, y: top + plotHeight - h,
          width: barWidth - 2, height: Math.max(h, value > 0 ? 1 : 0), fill: colour(s),
          'data-series': series[s], 'data-group': group.label, 'data-value': String(value) });
        rect.append(svgElement('title', {}, `${group.label} — ${series[s]} : ${label}`));
        box.append(rect);
        box.append(svgElement('text', { class: 'value', x: x + (barWidth - 2) / 2,
          y: top + plotHeight - h - 4, 'text-anchor': 'middle' }, label));
      });
      box.append(svgElement('text', { class: 'group-label', x: x0 + (series.length * barWidth) / 2,
        y: top + plotHeight + 18, 'text-anchor': 'middle' }, group.label));
      svg.append(box);
    });
    figure.append(svg);

    const legend = document.createElement('ul');
    legend.className = 'legend';
    series.forEach((name, s) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour(s);
      item.append(swatch, document.createTextNode(name));
      legend.append(item);
    });
    const figcaption = document.createElement('figcaption');
    figcaption.append(legend);
    figure.append(figcaption);
  }

  return { groupedBars };
})();
