import AuthorityPlaceholder from '../AuthorityPlaceholder';

export default function ObligationEdit() {
  return <AuthorityPlaceholder />;
}
