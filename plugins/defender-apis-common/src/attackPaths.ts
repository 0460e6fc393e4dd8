/**
 * Defender CSPM's attack paths through an API: chains an attacker could follow from an entry
 * point (usually the internet) through the API's operations to a target, from attack path
 * analysis (Azure Resource Graph's `microsoft.security/attackpaths`).
 */

/**
 * Attack path analysis's risk levels, highest first; Azure may send others, kept as sent.
 * @public
 */
export const ATTACK_PATH_RISK_LEVELS = [
  'Critical',
  'High',
  'Medium',
  'Low',
] as const;

/**
 * One attack path that goes through the API.
 * @public
 */
export interface PostureAttackPath {
  /** The attack path instance's ARM id. */
  id: string;
  /** The attack path's title as Defender for Cloud shows it. */
  displayName: string;
  /** `Critical`, `High`, `Medium` or `Low` as Azure gives it. */
  riskLevel: string;
  /** E.g. `Exposure`, `Data exfiltration`. */
  riskCategories: string[];
  /** Name of the path's first entity, e.g. `Internet`. */
  entryPoint?: string;
  /** Name of the path's last entity, e.g. a storage account. */
  target?: string;
  /** The API's operations on the path, by the names the path gives them. */
  through: string[];
  /** Defender for Cloud's attack path analysis in the Azure portal. */
  url: string;
}

/**
 * The attack paths through an API's operations. `available: false` means they could not be
 * known (Defender CSPM off, Resource Graph refused): never read it as none.
 * @public
 */
export interface PostureAttackPaths {
  /** Whether the attack paths are known: Defender CSPM on and read through Resource Graph. */
  available: boolean;
  /** Why they are not available. */
  reason?: string;
  /** Paths through the API, highest risk first; empty when not available. */
  items: PostureAttackPath[];
}

/**
 * Attack path analysis in Defender for Cloud. The portal documents no link to one attack path
 * instance, so every path links the analysis, where the path is listed by its title.
 * @public
 */
export const ATTACK_PATH_ANALYSIS_URL =
  'https://portal.azure.com/#view/Microsoft_Azure_Security/SecurityMenuBlade/~/AttackPath';

/**
 * Orders attack paths highest risk first (unknown levels last), then by title.
 * @public
 */
export function byAttackPathRisk(
  a: Pick<PostureAttackPath, 'riskLevel' | 'displayName'>,
  b: Pick<PostureAttackPath, 'riskLevel' | 'displayName'>,
): number {
  const rank = (level: string) => {
    const i = ATTACK_PATH_RISK_LEVELS.findIndex(
      l => l.toLowerCase() === level.toLowerCase(),
    );
    return i < 0 ? ATTACK_PATH_RISK_LEVELS.length : i;
  };
  return (
    rank(a.riskLevel) - rank(b.riskLevel) ||
    a.displayName.localeCompare(b.displayName)
  );
}
