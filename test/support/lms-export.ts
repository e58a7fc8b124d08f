/**
 * A learning-system export of completions, as such systems write them (their own header
 * names, UK and ISO dates, quoted names with commas), with bad rows at chosen lines.
 * Shared by the import test and the benchmark.
 */
export const BAD_ROWS = {
  unknownCourse: 1002,
  impossibleDate: 5003,
  missingStaffRef: 9004,
} as const;

export function lmsExport(rows: number, options: { badRows?: boolean; staffPrefix?: string } = {}): { csv: string; bad: Map<number, RegExp> } {
  const courses = ['Prevent e-learning', 'WRAP', 'Channel awareness', 'Prevent awareness briefing'];
  const roles = ['Frontline officer', 'Safeguarding lead', 'senior-leader', 'frontline'];
  const lines = ['Employee ID,Full Name,Job Role,Course Title,Completion Date,Delivery Mode,Team'];
  const bad = new Map<number, RegExp>();
  const prefix = options.staffPrefix ?? 'EMP';
  for (let i = 0; i < rows; i++) {
    const line = i + 2; // the header is line 1
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    let when = i % 2 ? `${day}/${month}/2024` : `2024-${month}-${day}`;
    let staff = `${prefix}${String(i).padStart(5, '0')}`;
    let course = courses[i % courses.length];
    if (options.badRows !== false) {
      if (line === BAD_ROWS.unknownCourse) {
        course = 'Underwater basket weaving';
        bad.set(line, /unknown course/);
      } else if (line === BAD_ROWS.impossibleDate) {
        when = '31/02/2024';
        bad.set(line, /impossible date/);
      } else if (line === BAD_ROWS.missingStaffRef) {
        staff = '';
        bad.set(line, /missing staff reference/);
      }
    }
    lines.push(`${staff},"Person ${i}, Esq.",${roles[i % roles.length]},${course},${when},${i % 3 ? 'E-learning' : 'Classroom'},Team ${i % 7}`);
  }
  return { csv: lines.join('\r\n') + '\r\n', bad };
}

/** A training plan whose roles the export's "Job Role" column names. */
export const LMS_PLAN = {
  version: 0,
  roles: [
    { id: 'frontline', name: 'Frontline officer', headcount: 9000, requiredCourses: ['home-office-elearning'] },
    { id: 'safeguarding-lead', name: 'Safeguarding lead', headcount: 800, requiredCourses: ['wrap'] },
    { id: 'senior-leader', name: 'Senior leader', headcount: 200, requiredLevel: 'strategic' },
  ],
};
