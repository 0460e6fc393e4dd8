/** Hosts of the Azure portal (public cloud, its regional aliases, US Government, China). */
const PORTAL_HOST = /^(?:[a-z0-9-]+\.)*portal\.azure\.(?:com|us|cn)$/;

/**
 * A link taken from Azure data, when it is safe to render: an `https` link to an Azure portal
 * host. Anything else (another scheme such as `javascript:`, another host, a malformed URL)
 * gives undefined, and the text is shown without a link.
 *
 * @public
 */
export function azurePortalLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' &&
      !parsed.username &&
      !parsed.password &&
      PORTAL_HOST.test(parsed.hostname)
      ? parsed.href
      : undefined;
  } catch {
    return undefined;
  }
}
