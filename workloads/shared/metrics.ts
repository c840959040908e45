// Prometheus text exposition (format 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/)
// for the stack's own workloads: counters and gauges with labels, enough for /metrics to be scraped
// and read by the app's pipeline views without a client library in the bundle.

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  series: Map<string, { labels: Labels; value: number }>;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function seriesKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}="${escapeLabel(labels[key]!)}"`)
    .join(',');
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  private family(name: string, type: Family['type'], help: string): Family {
    let family = this.families.get(name);
    if (!family) {
      family = { help, type, series: new Map() };
      this.families.set(name, family);
    }
    if (family.type !== type) throw new Error(`metric ${name} is a ${family.type}, not a ${type}`);
    return family;
  }

  /** Declares a counter so it is exposed (at 0) before its first increment. */
  counter(name: string, help: string): { inc: (labels?: Labels, by?: number) => void } {
    const family = this.family(name, 'counter', help);
    return {
      inc: (labels = {}, by = 1) => {
        if (by < 0) throw new Error(`counter ${name} cannot decrease`);
        const key = seriesKey(labels);
        const series = family.series.get(key) ?? { labels, value: 0 };
        series.value += by;
        family.series.set(key, series);
      },
    };
  }

  gauge(name: string, help: string): { set: (value: number, labels?: Labels) => void } {
    const family = this.family(name, 'gauge', help);
    return { set: (value, labels = {}) => void family.series.set(seriesKey(labels), { labels, value }) };
  }

  /** The text a scrape of /metrics answers. */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help.replace(/\n/g, ' ')}`, `# TYPE ${name} ${family.type}`);
      if (family.series.size === 0 && family.type === 'counter') lines.push(`${name} 0`);
      for (const [key, { value }] of family.series) lines.push(`${name}${key ? `{${key}}` : ''} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
