import { azurePortalLink } from './links';

describe('azurePortalLink', () => {
  it.each([
    'https://portal.azure.com/#blade/Microsoft_Azure_Security/AssessmentBlade',
    'https://ms.portal.azure.com/#view/alert',
    'https://portal.azure.us/#resource/x',
    'https://portal.azure.cn/#resource/x',
  ])('keeps %s', url => {
    expect(azurePortalLink(url)).toBe(url);
  });

  it.each([
    // eslint-disable-next-line no-script-url
    'javascript:alert(1)',
    'http://portal.azure.com/#x',
    'https://portal.azure.com.evil.example/#x',
    'https://evilportal.azure.com.example/',
    'https://user:pass@portal.azure.com/',
    'https://notportal.azure.co/',
    'data:text/html,<script>',
    'portal.azure.com/#x',
    '',
    undefined,
  ])('drops %s', url => {
    expect(azurePortalLink(url)).toBeUndefined();
  });
});
