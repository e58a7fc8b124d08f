import AuthorityPlaceholder from '../AuthorityPlaceholder';

export default function SopEdit() {
  return <AuthorityPlaceholder />;
}
