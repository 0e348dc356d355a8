// Draws the charts of a page (figure.chart[data-chart]) with the vendored Apache ECharts. Without
// JavaScript, or if ECharts is missing, the server's own figures and tables stay in place.
(function () {
  'use strict';
  if (typeof echarts === 'undefined') { return; }
  var lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
  var red = '#b71c1c';
  var drawn = [];

  function shown(v, s) {
    if (v === null || v === undefined) { return '–'; }
    return v.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
      minimumFractionDigits: s.decimals, maximumFractionDigits: s.decimals
    }) + (s.unit ? ' ' + s.unit : '');
  }

  function open(c, i) {
    var to = c.links[i];
    if (to) { window.location.href = to; }
  }

  function bars(c) {
    var s = c.series[0];
    var order = c.labels.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var x = s.values[a], y = s.values[b];
      return (y === null ? -Infinity : y) - (x === null ? -Infinity : x);
    });
    return {
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' },
        valueFormatter: function (v) { return shown(v, s); } },
      xAxis: { type: 'value', name: s.unit, nameLocation: 'end', min: 0 },
      yAxis: { type: 'category', inverse: true, data: order.map(function (i) { return c.labels[i]; }) },
      series: [{ type: 'bar', name: s.name, itemStyle: { color: red },
        data: order.map(function (i) { return s.values[i]; }),
        label: { show: true, position: 'right', formatter: function (p) { return shown(p.value, s); } } }],
      order: order
    };
  }

  function columns(c) {
    var s = c.series[0];
    return {
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return shown(v, s); } },
      xAxis: { type: 'category', data: c.labels, name: '', axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', name: s.unit, min: 0 },
      series: [{ type: 'bar', name: s.name, data: s.values, itemStyle: { color: red } }]
    };
  }

  function line(c) {
    return {
      grid: { left: 8, right: 56, top: c.series.length > 1 ? 56 : 36, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      legend: c.series.length > 1 ? { top: 0, type: 'scroll' } : undefined,
      xAxis: { type: 'category', data: c.labels, boundaryGap: false },
      // From zero: a 0.3-point dip in a 60-point index must not look like a fall.
      yAxis: { type: 'value', name: c.series[0].unit, min: 0 },
      series: c.series.map(function (s) {
        var one = c.series.length === 1;
        return { type: 'line', name: s.name, data: s.values, symbolSize: 7,
          itemStyle: one ? { color: red } : undefined,
          label: { show: one, formatter: function (p) { return shown(p.value, s); } },
          tooltip: { valueFormatter: function (v) { return shown(v, s); } } };
      })
    };
  }

  function map(c, k) {
    var s = c.series[k];
    var known = s.values.filter(function (v) { return v !== null; });
    var lo = known.length ? Math.min.apply(null, known) : 0;
    var hi = known.length ? Math.max.apply(null, known) : 1;
    return {
      tooltip: { trigger: 'item', formatter: function (p) {
        var i = c.keys.indexOf(p.name);
        return (i < 0 ? p.name : c.labels[i]) + '<br>' + s.name + ': ' + shown(i < 0 ? null : s.values[i], s);
      } },
      visualMap: { min: lo, max: hi === lo ? lo + 1 : hi, calculable: true, left: 8, bottom: 8,
        text: [shown(hi, s), shown(lo, s)], inRange: { color: ['#fde4e1', '#e57373', red] } },
      series: [{ type: 'map', map: 'tianjin', roam: false, selectedMode: false, labelLayout: { hideOverlap: true },
        label: { show: true, fontSize: 10, formatter: function (p) {
          var i = c.keys.indexOf(p.name);
          return i < 0 ? p.name : c.labels[i];
        } },
        data: c.keys.map(function (key, i) { return { name: key, value: s.values[i] }; }) }]
    };
  }

  function draw(figure, geo) {
    var c;
    try { c = JSON.parse(figure.getAttribute('data-chart')); } catch (e) { return; }
    var box = document.createElement('div');
    box.className = 'chart-box ' + c.kind;
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', c.title);
    var k = 0;
    if (c.kind === 'map' && c.series.length > 1) {
      var label = document.createElement('label');
      label.className = 'measure';
      label.textContent = c.choose;
      var select = document.createElement('select');
      c.series.forEach(function (s, i) {
        var o = document.createElement('option');
        o.value = String(i);
        o.textContent = s.name;
        select.appendChild(o);
      });
      label.appendChild(select);
      figure.appendChild(label);
      select.addEventListener('change', function () {
        k = Number(select.value);
        var next = map(c, k);
        next.animation = false;
        chart.setOption(next, { replaceMerge: ['series', 'visualMap'] });
      });
    }
    if (c.kind === 'bars') { box.style.height = Math.max(220, 26 * c.labels.length + 40) + 'px'; }
    figure.appendChild(box);
    var fallback = figure.querySelector('.fallback');
    if (fallback) { fallback.hidden = true; }
    var chart = echarts.init(box, null, { renderer: 'canvas' });
    var option;
    if (c.kind === 'map') {
      if (!geo) { if (fallback) { fallback.hidden = false; } box.remove(); return; }
      option = map(c, k);
    } else if (c.kind === 'bars') {
      option = bars(c);
    } else if (c.kind === 'columns') {
      option = columns(c);
    } else {
      option = line(c);
    }
    var order = option.order;
    delete option.order;
    // Drawn at once: no motion to wait for or to distract (and screenshots show the figures).
    option.animation = false;
    chart.setOption(option);
    chart.on('click', function (p) {
      if (c.kind === 'map') { open(c, c.keys.indexOf(p.name)); }
      else if (order) { open(c, order[p.dataIndex]); }
      else { open(c, p.dataIndex); }
    });
    drawn.push(chart);
  }

  function drawAll(geo) {
    if (geo) { echarts.registerMap('tianjin', geo); }
    document.querySelectorAll('figure.chart[data-chart]').forEach(function (f) { draw(f, geo); });
  }

  var needsMap = document.querySelector('figure.chart[data-chart*="\\"kind\\":\\"map\\""]');
  if (needsMap && window.fetch) {
    fetch('/static/tianjin-districts.geojson').then(function (r) { return r.json(); })
      .then(drawAll, function () { drawAll(null); });
  } else {
    drawAll(null);
  }
  window.addEventListener('resize', function () { drawn.forEach(function (c) { c.resize(); }); });
}());
