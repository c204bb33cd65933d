/**
 * contrib/prometheus/mlx5ctl.rules.yml: valid for Prometheus (promtool check rules), each alert
 * firing when and only when its unit test says (promtool test rules), and naming only metrics
 * the exporter has (docs/metrics.md documents each).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../helpers/broker';
import { promtool } from '../helpers/prometheus';

const DIR = path.join(ROOT, 'contrib', 'prometheus');

describe('contrib/prometheus alerting rules', () => {
  it('pass promtool check rules', () => {
    expect(promtool(['check', 'rules', 'mlx5ctl.rules.yml'], DIR)).toEqual({ code: 0, output: 'Checking mlx5ctl.rules.yml\n  SUCCESS: 5 rules found\n\n' });
  });

  it('pass their promtool unit tests', () => {
    expect(promtool(['test', 'rules', 'mlx5ctl.rules.test.yml'], DIR)).toEqual({ code: 0, output: 'Unit Testing:  mlx5ctl.rules.test.yml\n  SUCCESS\n\n' });
  });

  it('use only metrics that docs/metrics.md documents', () => {
    const rules = fs.readFileSync(path.join(DIR, 'mlx5ctl.rules.yml'), 'utf8');
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'metrics.md'), 'utf8');
    const used = [...new Set(rules.match(/mlx5ctl_[a-z_]+/g) ?? [])];
    expect(used.length).toBeGreaterThanOrEqual(6);
    expect(used.filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  });
});
