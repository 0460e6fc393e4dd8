import { parseCliArgs } from './cli';

describe('arm-emulator CLI', () => {
  it('serves the demo scenario on 8443 by default', () => {
    const options = parseCliArgs([]);
    expect(options).toEqual(
      expect.objectContaining({ port: 8443, host: 'localhost' }),
    );
    expect(options !== 'help' && options.scenario?.name).toBe('demo');
  });

  it('generates a scenario of N APIs and reads numeric flags', () => {
    const options = parseCliArgs([
      '--generate',
      '25',
      '--port',
      '0',
      '--page-size',
      '3',
      '--lro-polls',
      '0',
    ]);
    if (options === 'help') throw new Error('expected options');
    expect(
      options.scenario?.subscriptions
        .flatMap(s => s.services)
        .flatMap(s => s.apis),
    ).toHaveLength(25);
    expect(options).toEqual(
      expect.objectContaining({
        port: 0,
        pageSize: 3,
        lro: { pollsUntilDone: 0 },
      }),
    );
  });

  it.each([
    [['--port', 'abc'], '--port must be an integer >= 0, got "abc"'],
    [['--generate', '0'], '--generate must be an integer >= 1, got "0"'],
    [
      ['--scenario', 'demo', '--generate', '3'],
      'Give either --scenario or --generate, not both',
    ],
    [['--bogus'], "Unknown option '--bogus'"],
  ])(
    'refuses %j with a message that says what was expected',
    (argv, message) => {
      expect(() => parseCliArgs(argv)).toThrow(message);
    },
  );
});
